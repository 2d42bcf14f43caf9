"""Finding taxonomy skills in advert text by longest phrase match over normalised tokens.

Every skill label and alternative label becomes a token sequence (see
:func:`services.taxonomy.textview.phrase_tokens`). At each token the longest phrase wins, so
"administration of medication" is medication, not administration. Labels written in capitals
in ``skills.json`` (``ECG``, ``BLS``) only match capitals in the advert. Sentences of employer
boilerplate are skipped: equal-opportunities statements, contact details, benefits and perks,
the employer's values and safeguarding duty, training the employer will give and the
employer describing its own services (the labelling guideline does not count any of them).
:data:`BLOCKERS` are phrases that match no skill, so a shorter label inside them cannot fire
("counselling psychologist", "teaching hospital", "line managed by"). A skill is "desirable"
when the nearest Essential/Desirable marker says so.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from services.taxonomy.loader import Taxonomy, load_taxonomy
from services.taxonomy.models import SkillHit, Span
from services.taxonomy.textview import TextView, phrase_tokens

MAX_EVIDENCE = 5

# anchored at a word start (see requirements.at_word_start): much faster on long adverts
_BOILERPLATE = re.compile(
    r"\b(?:committed to|equal opportunit|equality of opportunit|disability confident|positive about dis|"
    r"welcome applications|guaranteed interview|armed forces|mindful employer|stonewall|two ticks|"
    r"please contact|for further information|for more information|informal (?:enquir|discussion|visit|chat)|"
    r"email address|e-mail address|via email|by email|junk|spam folder|check your email|"
    r"sponsorship|certificate of sponsorship|visa|we offer|benefits include|in return|"
    r"flexible working|staff benefits|nhs pension|car lease|salary sacrifice|"
    r"apply online|application form|closing date|shortlisted|interview date|"
    # benefits and perks the employer offers
    r"pension|annual leave|holiday|life assurance|discount|salary sacrifice|cycle to work|childcare|"
    r"\bgym\b|fitness|wellness|wellbeing (?:support|programme|centre)|health checks? and|staff health|"
    r"relocation|lease car|free parking|free meals|employee assistance|"
    # statements of the employer's values and safeguarding duty
    r"our values|trust values|values of\b|values are\b|share (?:this|our) commitment|"
    r"safeguarding and promoting|promoting the welfare|safer recruitment|safe recruitment|"
    # training and development the employer will give
    r"opportunit(?:y|ies) to (?:develop|gain|learn|attend|undertake|rotate|train|work towards)|"
    r"training (?:opportunities|programme)|training (?:will be|is|can be) (?:provided|given|available)|"
    r"development opportunities|we (?:offer|can offer|will offer|will support|will provide)|"
    r"you will receive|support you (?:to|in|with)|"
    # what the employer or service already provides (describing itself, not the job)
    r"\bwe provide\b|\bprovides? (?:a |an )?(?:range|full range|wide range|specialist|high quality)|"
    r"our services|services include|rated (?:good|outstanding))",
)
# Phrases that match no skill: as the longest match they stop a shorter label inside them
# from firing ("counselling psychologist" is a job title, not counselling; "teaching
# hospital" is the employer, not teaching others).
BLOCKERS: tuple[str, ...] = (
    "counselling psychologist",
    "counselling psychologists",
    "teaching hospital",
    "teaching hospitals",
    "teaching trust",
    "university teaching",
    "line managed by",
    "line management of",
    "under the line management",
    "flexible working",
    "flexible hours",
    "flexible shift",
    "track record",
    "administration costs",
    "administration building",
    "administration staff",
    "administration team",
)
_DESIRABLE = re.compile(
    r"\b(?:desirable|desired|advantageous|an advantage|advantage|beneficial|preferable|preferred|"
    r"ideally|an asset|would be nice|not essential|nice to have|welcomed|helpful but not)\b"
)
_ESSENTIAL = re.compile(r"\b(?:essential|must|required|requirement|mandatory|necessary)\b")
_HEADER = re.compile(
    r"^\W*(essential|desirable)(?:\s+(?:criteria|requirements?|skills?|qualifications?|experience|attributes?))?\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    skill_ids: tuple[str, ...]
    upper_only: bool


@dataclass(frozen=True)
class PhraseIndex:
    """Single-token phrases by token; longer phrases by their first two tokens, longest first."""

    single: dict[str, _Phrase]
    by_pair: dict[tuple[str, str], tuple[_Phrase, ...]]
    labels: dict[str, str]


def build_index(taxonomy: Taxonomy) -> PhraseIndex:
    """The phrase index of every skill label and alternative label."""
    owners: dict[tuple[str, ...], list[str]] = defaultdict(list)
    upper: dict[tuple[str, ...], bool] = {}
    for skill in taxonomy.skills:
        for name in (skill.label, *skill.alt_labels):
            tokens = phrase_tokens(name)
            if not tokens:
                continue
            if skill.id not in owners[tokens]:
                owners[tokens].append(skill.id)
            is_upper = name.isupper() and any(ch.isalpha() for ch in name)
            upper[tokens] = upper.get(tokens, True) and is_upper
    for name in BLOCKERS:
        tokens = phrase_tokens(name)
        if tokens not in owners:
            owners[tokens] = []
            upper[tokens] = False
    single: dict[str, _Phrase] = {}
    grouped: dict[tuple[str, str], list[_Phrase]] = defaultdict(list)
    for tokens, skill_ids in owners.items():
        phrase = _Phrase(tokens, tuple(skill_ids), upper[tokens])
        if len(tokens) == 1:
            single[tokens[0]] = phrase
        else:
            grouped[(tokens[0], tokens[1])].append(phrase)
    by_pair = {
        pair: tuple(sorted(items, key=lambda p: -len(p.tokens))) for pair, items in grouped.items()
    }
    return PhraseIndex(single, by_pair, {skill.id: skill.label for skill in taxonomy.skills})


@functools.cache
def default_index() -> PhraseIndex:
    """The phrase index of the shipped taxonomy (built once)."""
    return build_index(load_taxonomy())


@dataclass(frozen=True)
class _Markers:
    """Essential/desirable markers and boilerplate, located once per advert."""

    boiler: frozenset[int]
    state: tuple[bool | None, ...]
    marks: dict[int, list[tuple[int, bool]]]


def _markers(view: TextView) -> _Markers:
    plain = view.lower
    boiler = frozenset(view.segment_of(m.start()) for m in _BOILERPLATE.finditer(plain))
    marks: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for m in _DESIRABLE.finditer(plain):
        marks[view.segment_of(m.start())].append((m.start(), False))
    for m in _ESSENTIAL.finditer(plain):
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
        if segment in headers:
            current = headers[segment]
        state.append(current)
    return _Markers(boiler, tuple(state), dict(marks))


def _essential_at(markers: _Markers, offset: int, segment: int) -> bool:
    found = markers.marks.get(segment)
    if found:
        before = [mark for mark in found if mark[0] < offset]
        return (before[-1] if before else found[0])[1]
    state = markers.state[segment]
    return True if state is None else state


def find_skills(view: TextView, index: PhraseIndex | None = None) -> tuple[SkillHit, ...]:
    """Skills mentioned in ``view``, in order of first mention, with evidence spans."""
    index = index or default_index()
    tokens = view.tokens
    n = len(tokens)
    markers = _markers(view)
    spans: dict[str, list[Span]] = {}
    essential: dict[str, bool] = {}
    order: list[str] = []
    norms = [token.norm for token in tokens]
    i = 0
    while i < n:
        candidates: tuple[_Phrase, ...] = ()
        if i + 1 < n:
            candidates = index.by_pair.get((norms[i], norms[i + 1]), ())
        one = index.single.get(norms[i])
        if one is not None:
            candidates = (*candidates, one)
        matched = 0
        for phrase in candidates:
            length = len(phrase.tokens)
            if i + length > n:
                continue
            if length > 2 and norms[i + 2 : i + length] != list(phrase.tokens[2:]):
                continue
            if phrase.upper_only and not all(
                tokens[i + k].upper for k in range(length) if tokens[i + k].norm.isalpha()
            ):
                continue
            first, last = tokens[i], tokens[i + length - 1]
            if last.segment != first.segment:
                continue
            matched = length
            if first.segment in markers.boiler or not phrase.skill_ids:
                break
            is_essential = _essential_at(markers, first.start, first.segment)
            span = Span(first.start, last.end, view.original[first.start : last.end])
            for sid in phrase.skill_ids:
                if sid not in spans:
                    spans[sid] = []
                    order.append(sid)
                    essential[sid] = is_essential
                else:
                    essential[sid] = essential[sid] or is_essential
                if len(spans[sid]) < MAX_EVIDENCE:
                    spans[sid].append(span)
            break
        i += matched or 1
    return tuple(
        SkillHit(
            id=sid, label=index.labels[sid], evidence=tuple(spans[sid]), essential=essential[sid]
        )
        for sid in order
    )
