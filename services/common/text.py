"""Turning the HTML and escaped HTML of real adverts and course pages into plain text.

Every advert goes through here on ingest, so the common cases take fast paths that give the
same result as the plain regular-expression forms written in each function's docstring:
the five entities that make up almost all of real adverts' escaping (``&lt;`` ``&gt;``
``&quot;`` ``&#39;`` ``&nbsp;``) are replaced with ``str.replace`` before ``html.unescape``
sees the rest, and whitespace is tidied with ``str.replace`` where a regular expression
would try a match at every character.
"""

from __future__ import annotations

import html
import re

_BLOCK_TAGS = re.compile(
    r"<\s*/?\s*(?:br|p|div|h[1-6]|tr|ul|ol|table|section|article)\b[^>]{0,2000}>", re.IGNORECASE
)
_LI_TAG = re.compile(r"<\s*li\b[^>]{0,2000}>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACE_CHARS = "\t\r\f\v\u00a0\u200b"
_SPACE_RUNS = re.compile("  +")
_BLANK_LINES = re.compile("\n\n\n+")
# Each of these is matched by html.unescape as exactly itself (its match cannot start
# earlier or run on: "&" and ";" end every match), and none produces an "&", so replacing
# them first leaves html.unescape the same work on the rest. "&amp;" stays with
# html.unescape: replaced first, it would create entities the same round must not decode.
_COMMON_ENTITIES = (
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#39;", "'"),
    ("&nbsp;", "\u00a0"),
)


def _unescape_once(text: str) -> str:
    """``html.unescape(text)``, faster when most entities are the common five."""
    for entity, char in _COMMON_ENTITIES:
        if entity in text:
            text = text.replace(entity, char)
    return html.unescape(text) if "&" in text else text


def unescape_fully(text: str, max_rounds: int = 4) -> str:
    """Undo HTML escaping applied once or several times (``&amp;lt;p&amp;gt;`` -> ``<p>``)."""
    for _ in range(max_rounds):
        if "&" not in text:
            break
        unescaped = _unescape_once(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _collapse_spaces(text: str) -> str:
    """``re.sub(r"[ \\t\\r\\f\\v\\u00a0\\u200b]+", " ", text)``."""
    for char in _SPACE_CHARS:
        if char in text:
            text = text.replace(char, " ")
    return _SPACE_RUNS.sub(" ", text) if "  " in text else text


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
    text = _collapse_spaces(text)
    if "\n" in text:
        # spaces come single now, so this is re.sub(" ?\n ?", "\n", text)
        text = text.replace(" \n", "\n").replace("\n ", "\n")
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
