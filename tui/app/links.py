"""Data text with its URLs as terminal links: a short label linked (OSC 8) to the full address.

A long URL folded across lines in a narrow panel can be neither read nor copied; a link
label such as ``huggingface.co/…/Qwen3-32B`` stays on one line, and terminals that support
OSC 8 open the full address. The model detail (Enter) lists every source in full.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rich.style import Style
from rich.text import Text

URL = re.compile(r"https?://[^\s<>\"')\]]+")
LAST = 28
"""Characters of the address's last path segment kept in the label."""


def url_label(url: str) -> str:
    """``https://huggingface.co/Qwen/Qwen3-32B`` -> ``huggingface.co/…/Qwen3-32B``."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return host
    last = segments[-1] if len(segments[-1]) <= LAST else segments[-1][: LAST - 1] + "…"
    return f"{host}/{last}" if len(segments) == 1 else f"{host}/…/{last}"


def linked(text: str, style: str = "") -> Text:
    """``text`` (plain, never markup) with every URL replaced by a short label linked to it."""
    out = Text(style=style)
    position = 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:")
        out.append(text[position : match.start()])
        out.append(url_label(url), style=Style(link=url, underline=True))
        position = match.start() + len(url)
    out.append(text[position:])
    return out
