"""The fast paths of extraction give what the plain forms they replace give.

Each optimisation in ``services.taxonomy`` (docs/QUALITY.md, "Speed") is compared here with
a straightforward reference: the per-token phrase matcher with a whole-advert marker scan,
requirement flags read from every clause, the segment-boundary and boilerplate regexes as
written, the title rules as a loop, and sklearn's own transform for the SOC classifier. The
inputs are real adverts (as ingest passes them, plain, and as raw escaped HTML) and
generated junk.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.text import html_to_text
from services.taxonomy import requirements as req
from services.taxonomy.classifier import load_classifier
from services.taxonomy.matcher import (
    _BOILERPLATE,
    _DESIRABLE,
    _ESSENTIAL,
    _HEADER,
    BOILERPLATE_PHRASES,
    CONTEXT_PATTERNS,
    EXCLUDING_PATTERNS,
    contact_ranges,
    default_index,
    find_skills,
    skill_hits,
)
from services.taxonomy.models import Requirements, SkillHit, Span
from services.taxonomy.textview import (
    _BOUNDARY,
    _TOKEN,
    BOUNDARY_SOURCE,
    TextView,
    build_view,
    normalise_token,
)
from services.taxonomy.titles import RULES, clean_title, soc_from_title
from tests.conftest import shared_data_file

SAMPLE = 250


@cache
def _real_adverts() -> tuple[tuple[str, str], ...]:
    path = shared_data_file("nhs_jobs/nhs_jobs_2020_jobposting.jsonl.gz")
    adverts: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % 37:  # spread over the whole file
                continue
            record = json.loads(line)
            adverts.append((str(record.get("title") or ""), str(record.get("description") or "")))
            if len(adverts) >= SAMPLE:
                break
    return tuple(adverts)


def _texts() -> list[str]:
    texts: list[str] = []
    for _title, description in _real_adverts():
        texts += [html_to_text(description), description]
    return texts


# ---------------------------------------------------------------- reference implementations


def _reference_find_skills(view: TextView) -> tuple[SkillHit, ...]:
    """The matcher as first written: every token, markers scanned over the whole advert."""
    index = default_index()
    tokens = view.tokens
    norms = [token.norm for token in tokens]
    boiler = {view.segment_of(m.start()) for m in re.finditer(_boilerplate_plain(), view.lower)}
    for low, high in contact_ranges(view.lower):
        boiler |= {seg for seg, start in enumerate(view.segment_starts) if low < start <= high}
    marks: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for m in _DESIRABLE.finditer(view.lower):
        marks[view.segment_of(m.start())].append((m.start(), False))
    for m in _ESSENTIAL.finditer(view.lower):
        marks[view.segment_of(m.start())].append((m.start(), True))
    headers: dict[int, bool] = {}
    for segment, found in marks.items():
        found.sort()
        header = _HEADER.match(view.segment_text(segment).strip())
        if header:
            headers[segment] = header.group(1).lower() == "essential"
    state: list[bool | None] = []
    current: bool | None = None
    for segment in range(len(view.segment_starts)):
        current = headers.get(segment, current)
        state.append(current)

    def essential_at(offset: int, segment: int) -> bool:
        found = marks.get(segment)
        if found:
            before = [mark for mark in found if mark[0] < offset]
            return (before[-1] if before else found[0])[1]
        return True if state[segment] is None else bool(state[segment])

    hits: list[tuple[str, Span, int, bool]] = []
    i, n = 0, len(tokens)
    while i < n:
        candidates = index.by_pair.get((norms[i], norms[i + 1]), ()) if i + 1 < n else ()
        one = index.single.get(norms[i])
        if one is not None:
            candidates = (*candidates, one)
        matched = 0
        for phrase in candidates:
            length = len(phrase.tokens)
            if i + length > n or norms[i : i + length] != list(phrase.tokens):
                continue
            if phrase.upper_only and not all(
                tokens[i + k].upper for k in range(length) if tokens[i + k].norm.isalpha()
            ):
                continue
            first, last = tokens[i], tokens[i + length - 1]
            if last.segment != first.segment:
                continue
            matched = length
            if first.segment in boiler or not phrase.skill_ids:
                break
            seg_start, seg_end = view.segment_bounds(first.segment)
            needs = CONTEXT_PATTERNS.get(phrase.tokens)
            if needs is not None and not needs.search(view.lower, seg_start, seg_end):
                break
            excludes = EXCLUDING_PATTERNS.get(phrase.tokens)
            if excludes is not None and excludes.search(view.lower, seg_start, seg_end):
                break
            is_essential = essential_at(first.start, first.segment)
            span = Span(first.start, last.end, view.original[first.start : last.end])
            hits += [(sid, span, first.segment, is_essential) for sid in phrase.skill_ids]
            break
        i += matched or 1
    return skill_hits(hits, index.labels)


@cache
def _boilerplate_plain() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(BOILERPLATE_PHRASES) + ")")


def _reference_requirements(plain: str, entry_level_role: bool) -> Requirements:
    """English/maths, registration and experience read from every essential clause."""
    segments = req._essential_segments(plain)
    joined = "\n".join(segments)
    english = maths = None
    for match in req._ENGLISH.finditer(joined):
        line = req._line_at(joined, match.start())
        english = req._higher(english, req._level_near(line, req._ENGLISH), req._LEVELS)
    for match in req._MATHS.finditer(joined):
        line = req._line_at(joined, match.start())
        maths = req._higher(maths, req._level_near(line, req._MATHS), req._LEVELS)
    registration = None
    for segment in joined.split("\n"):
        if not any(key in segment for key in req._REG_KEYS):
            continue
        if entry_level_role and not req._REG_STRONG.search(segment):
            continue
        registration = next((b for b, p in req._REGULATORS if p.search(segment)), None)
        if registration:
            break
    experience = not req._EXP_NEGATIVE.search(plain) and any(
        req._EXP_POSITIVE.search(req._line_at(joined, m.start()))
        for m in req._EXPERIENCE.finditer(joined)
        if not req._other_sense(joined, m)
    )
    driving = bool(req._DRIVING.search(plain)) and not req._NO_DRIVING.search(plain)
    fast = req.detect_requirements(plain, entry_level_role=entry_level_role)
    return Requirements(
        driving_licence=driving,
        licence_category=fast.licence_category,
        dbs=_reference_dbs(plain),
        english_level=english,
        maths_level=maths,
        registration=registration,
        experience_essential=experience,
    )


def _reference_dbs(plain: str) -> str | None:
    order = ("basic", "standard", "enhanced")
    dbs: str | None = None
    for match in req._DBS.finditer(plain):
        window = plain[max(0, match.start() - 80) : match.end() + 80]
        level = req._DBS_LEVEL.search(window)
        found = level.group(1) if level else "standard"
        if dbs is None or order.index(found) > order.index(dbs):
            dbs = found
    return dbs


def _reference_soc_from_title(title: str) -> tuple[str | None, bool]:
    import html

    text = clean_title(html.unescape(title))
    for pattern, code in RULES:
        if pattern.search(text):
            return (code or None), True
    return None, False


# ---------------------------------------------------------------- comparisons


def _check_text(text: str) -> None:
    view = build_view(text)
    assert [m.end() for m in re.finditer(BOUNDARY_SOURCE, view.plain, re.MULTILINE)] == [
        m.end() for m in _BOUNDARY.finditer(view.plain)
    ]
    assert [(m.start(), m.group().lower()) for m in _TOKEN.finditer(view.plain)] == [
        (m.start(), m.group()) for m in _TOKEN.finditer(view.match_text)
    ]
    assert find_skills(view) == _reference_find_skills(view)
    for entry in (False, True):
        fast = req.detect_requirements(view.lower, entry_level_role=entry)
        assert fast == _reference_requirements(view.lower, entry)
    for segment in range(len(view.segment_starts)):
        start, end = view.segment_bounds(segment)
        plain_hit = _boilerplate_plain().search(view.lower, start, end) is not None
        assert (_BOILERPLATE.search(view.lower, start, end) is not None) == plain_hit


@pytest.mark.realdata
def test_fast_paths_match_the_reference_on_real_adverts() -> None:
    for text in _texts():
        _check_text(text)


@pytest.mark.realdata
def test_title_rules_and_classifier_match_the_reference_on_real_adverts() -> None:
    classifier = load_classifier()
    for title, description in _real_adverts():
        assert soc_from_title.__wrapped__(title) == _reference_soc_from_title(title)
        if classifier is not None:
            plain = html_to_text(description).lower()
            assert (
                classifier.predict(title, plain)[0] == classifier.predict_sklearn(title, plain)[0]
            )


_PIECES = [*"abcdeilnrstKk .,;:!?-*\n\t&<>#+'", "\u0130", "\u212a", "\u017f", "\u2022"]
_PIECES += ["care", "Essential", "desirable", "must", "DBS", "moving and handling", "we offer"]
_PIECES += ["ECG", "experience", "NMC registration", "driving licence", "GCSE maths", "&amp;"]
_JUNK = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=150, deadline=None)
@given(_JUNK)
def test_fast_paths_match_the_reference_on_junk(text: str) -> None:
    _check_text(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_title_rules_match_the_loop_on_any_title(title: str) -> None:
    assert soc_from_title.__wrapped__(title) == _reference_soc_from_title(title)


def test_lower_cased_tokens_keep_their_normal_form() -> None:
    # the matcher reads lower-cased text; normalising a lower-cased token changes nothing
    for token in ("Hoists", "ACTIVITIES", "Care", "NHS", "&"):
        assert normalise_token(token.lower()) == normalise_token(token)
