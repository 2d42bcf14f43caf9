"""HTML to plain text: what adverts need of it, and the fast paths equal the plain regex forms."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.text import html_to_text, unescape_fully

# The straightforward forms the fast paths in services.common.text stand for.
_BLOCK = re.compile(
    r"<\s*/?\s*(?:br|p|div|h[1-6]|tr|ul|ol|table|section|article)\b[^>]{0,2000}>", re.IGNORECASE
)
_LI = re.compile(r"<\s*li\b[^>]{0,2000}>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")


def reference_unescape_fully(text: str, max_rounds: int = 4) -> str:
    for _ in range(max_rounds):
        if "&" not in text:
            break
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def reference_html_to_text(raw: str) -> str:
    text = reference_unescape_fully(raw)
    if "<" in text:
        text = _TAG.sub(" ", _BLOCK.sub("\n", _LI.sub("\n- ", text)))
        text = html.unescape(text)
    text = re.sub(r"[ \t\r\f\v\u00a0\u200b]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# Pieces real adverts are made of, so random strings hit entities, tags and whitespace runs.
PIECES = st.sampled_from(
    [
        "&lt;",
        "&gt;",
        "&amp;",
        "&quot;",
        "&#39;",
        "&nbsp;",
        "&pound;",
        "&#163;",
        "&#x2022;",
        "&lt",
        "&amp;lt;",
        "&amp;amp;gt;",
        "&ltri;",
        "&",
        ";",
        "#",
        "<p>",
        "</p>",
        "<li>",
        "<br/>",
        "<b>",
        "<",
        ">",
        " ",
        "  ",
        "\n",
        "\n\n\n",
        "\t",
        "\r",
        "\u00a0",
        "\u200b",
        "Band 3",
        "care",
        "x",
    ]
)
TEXTS = st.lists(PIECES | st.text(max_size=3), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_html_to_text_equals_the_plain_regex_form(text: str) -> None:
    assert html_to_text(text) == reference_html_to_text(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=4))
def test_unescape_fully_equals_repeated_html_unescape(text: str, rounds: int) -> None:
    assert unescape_fully(text, rounds) == reference_unescape_fully(text, rounds)


def test_escaped_advert_html_keeps_lines_and_bullets() -> None:
    raw = "&lt;p&gt;Porter&amp;nbsp; needed&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Lifting&lt;/li&gt;&lt;/ul&gt;"
    assert html_to_text(raw) == "Porter needed\n\n- Lifting"


def test_one_round_of_escaping_is_undone_per_round() -> None:
    assert unescape_fully("&amp;amp;lt;", max_rounds=1) == "&amp;lt;"
    assert unescape_fully("&amp;amp;lt;") == "<"
