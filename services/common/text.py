"""Turning the HTML and escaped HTML of real adverts and course pages into plain text."""

from __future__ import annotations

import html
import re

_BLOCK_TAGS = re.compile(
    r"<\s*/?\s*(?:br|p|div|h[1-6]|tr|ul|ol|table|section|article)\b[^>]{0,2000}>", re.IGNORECASE
)
_LI_TAG = re.compile(r"<\s*li\b[^>]{0,2000}>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_AROUND_NEWLINES = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")


def unescape_fully(text: str, max_rounds: int = 4) -> str:
    """Undo HTML escaping applied once or several times (``&amp;lt;p&amp;gt;`` -> ``<p>``)."""
    for _ in range(max_rounds):
        if "&" not in text:
            break
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def html_to_text(raw: str) -> str:
    """Plain text from HTML or escaped HTML, keeping line breaks and list bullets.

    Block elements become line breaks and ``<li>`` becomes "- ", so bullet lists and
    person specifications keep their shape for extraction; entities are decoded.
    """
    text = unescape_fully(raw)
    if "<" in text:
        text = _LI_TAG.sub("\n- ", text)
        text = _BLOCK_TAGS.sub("\n", text)
        text = _ANY_TAG.sub(" ", text)
        if "&" in text:
            text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _AROUND_NEWLINES.sub("\n", text)
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
