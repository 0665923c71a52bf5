"""shortlist: choose a large language model and defend the choice."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Resolved on first use: importlib.metadata costs ~0.1 s at start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("llm-shortlist")
        except PackageNotFoundError:  # running from a checkout that was never installed
            return "0.0.0+checkout"
    raise AttributeError(name)
