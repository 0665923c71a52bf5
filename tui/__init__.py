"""shortlist: choose a large language model and defend the choice."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("llm-shortlist")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"
