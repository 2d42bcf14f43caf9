"""A same-length plain view of advert text, so matches map back to the original offsets.

Adverts arrive as HTML, escaped HTML (``&lt;p&gt;``, sometimes escaped twice) or plain
text. :func:`plain_view` blanks tags and entities with spaces *without changing the length*
of the string: an offset into the view is an offset into the original. Block tags (``<p>``,
``<li>``, ``<br>`` ...) leave a newline so line structure survives for segmenting.
Entities that carry meaning for matching (``&amp;`` -> ``&``, apostrophes) keep one
character. Tokens are runs of letters/digits plus ``&``, ``+`` and ``#``.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from dataclasses import dataclass

_ESCAPED_TAG = re.compile(
    r"&(?:amp;)*lt;\s*(/?)\s*([a-zA-Z!][a-zA-Z0-9]*)(?:[^&]|&(?:amp;)*(?:quot|#39|#34|apos|amp|nbsp);){0,600}?&(?:amp;)*gt;"
)
_RAW_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z!][a-zA-Z0-9]*)[^<>]{0,1000}>")
_ENTITY = re.compile(r"&(?:amp;)*(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_BLOCK = frozenset(
    {
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "div",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "hr",
    }
)
_TOKEN = re.compile(r"[A-Za-z0-9]+|[&+#]")
# Segment boundaries. The same matches as
# ``\n|\r|[.;!?](?=\s)|\u2022|\u00b7|\s[-*]\s|:\s*$`` (MULTILINE), written to start with a
# character set so the regex engine jumps between candidate characters instead of trying the
# alternation at every position (``tests/taxonomy/test_fast_paths.py`` compares the two).
BOUNDARY_SOURCE = r"\n|\r|[.;!?](?=\s)|\u2022|\u00b7|\s[-*]\s|:\s*$"
_BOUNDARY = re.compile(
    r"[\n\r\u2022\u00b7.;!?:\s]"
    r"(?:(?<=[\n\r\u2022\u00b7])|(?<=[.;!?])(?=\s)|(?<=\s)[-*]\s|(?<=:)\s*$)",
    re.MULTILINE,
)
# characters whose lower case is an ASCII letter (U+0130 -> "i", KELVIN SIGN -> "k"); they
# are not token characters in the original, so they must not become letters when matching
_LOWER_IS_ASCII_LETTER = re.compile("[\u0130\u212a]")
_BLANK_LOWER_IS_ASCII_LETTER = str.maketrans({"\u0130": " ", "\u212a": " "})


def _tag_blank(match: re.Match[str]) -> str:
    length = match.end() - match.start()
    if match.group(2).lower() in _BLOCK:
        return "\n" + " " * (length - 1)
    return " " * length


def _entity_blank(match: re.Match[str]) -> str:
    length = match.end() - match.start()
    decoded = html.unescape("&" + match.group(1) + ";")
    keep = decoded if decoded in {"&", "'", "\u2019", "+", "#"} else " "
    if decoded in {"\u2022", "\u00b7"}:
        keep = "\n"
    return keep + " " * (length - 1)


def plain_view(text: str) -> str:
    """``text`` with markup blanked out; same length, so offsets are shared."""
    if "&" in text:
        text = _ESCAPED_TAG.sub(_tag_blank, text)
    if "<" in text:
        text = _RAW_TAG.sub(_tag_blank, text)
    if "&" in text:
        text = _ENTITY.sub(_entity_blank, text)
    return text


@functools.lru_cache(maxsize=65536)
def normalise_token(token: str) -> str:
    """Lower-case, ``&`` -> ``and``, and a light plural strip so "hoists" meets "hoist"."""
    low = token.lower()
    if low == "&":
        return "and"
    if len(low) > 4 and low.endswith("ies"):
        return low[:-3] + "y"
    if len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return low[:-1]
    return low


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The normalised token sequence of a taxonomy phrase."""
    return tuple(normalise_token(m.group()) for m in _TOKEN.finditer(phrase))


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the view: its normalised form, original offsets and segment number."""

    norm: str
    start: int
    end: int
    segment: int
    upper: bool


@dataclass(frozen=True)
class TextView:
    """The plain view of an advert and its segment (line/sentence) starts.

    ``match_text`` is ``lower`` with the two characters whose lower case is an ASCII letter
    (U+0130, U+212A; not token characters in ``plain``) blanked, so tokens of ``match_text``
    are exactly the lower-cased tokens of ``plain``, at the same offsets. ``tokens`` (every
    token with its segment) is built on first use; the matcher does not need it.
    """

    original: str
    plain: str
    lower: str
    segment_starts: tuple[int, ...]
    match_text: str

    def segment_of(self, offset: int) -> int:
        """Index of the segment holding ``offset``."""
        return bisect.bisect_right(self.segment_starts, offset) - 1

    def segment_bounds(self, index: int) -> tuple[int, int]:
        """``(start, end)`` offsets of one segment."""
        starts = self.segment_starts
        end = starts[index + 1] if index + 1 < len(starts) else len(self.plain)
        return starts[index], end

    def segment_text(self, index: int) -> str:
        """The plain text of one segment."""
        start, end = self.segment_bounds(index)
        return self.plain[start:end]

    @functools.cached_property
    def tokens(self) -> tuple[Token, ...]:
        """Every token with its normalised form, offsets, segment and case."""
        starts = self.segment_starts
        n_starts = len(starts)
        segment = 0
        tokens: list[Token] = []
        for match in _TOKEN.finditer(self.plain):
            start = match.start()
            while segment + 1 < n_starts and starts[segment + 1] <= start:
                segment += 1
            raw = match.group()
            tokens.append(Token(normalise_token(raw), start, match.end(), segment, raw.isupper()))
        return tuple(tokens)


def build_view(text: str) -> TextView:
    """Segment ``text`` (HTML, escaped HTML or plain); tokens are found on demand."""
    plain = plain_view(text) if ("<" in text or "&" in text) else text
    starts = [0]
    # match ends are increasing and positive: every boundary is at least one character
    starts.extend(m.end() for m in _BOUNDARY.finditer(plain))
    lower = same_length_lower(plain)
    match_text = lower
    if _LOWER_IS_ASCII_LETTER.search(plain):
        match_text = same_length_lower(plain.translate(_BLANK_LOWER_IS_ASCII_LETTER))
    return TextView(text, plain, lower, tuple(starts), match_text)


def same_length_lower(text: str) -> str:
    """``text.lower()``, keeping the length even for characters whose lower case is longer."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower()[:1] or ch for ch in text)
