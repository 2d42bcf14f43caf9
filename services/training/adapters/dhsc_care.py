"""Adult social care training from the DHSC workforce pathway prototype data (MIT, Crown copyright).

Source: ``dhsc_adult_social_care_skills_and_training.json``, one object with ``roleCats``
(4 role categories, codes ``rolea``-``roled``), ``skillsCats`` (66 skill categories, each
with its role code) and ``training`` (234 items). A training item has ``code`` (an Ofqual
number such as "600/9559/3" for the 202 regulated qualifications, a short code such as
"IMLM" for Skills for Care modules and programmes), ``title``, ``type`` ("Level 3 Award",
"Level 2  Diploma", "e-Learning Module", "Learning Disability"), ``category``,
``groupTitle``, ``awardingOrganisation``, ``duration`` ("580 hours", "4 modules"),
``totalLearningTime`` ("60 mins"), ``reimbursementAmount`` (GBP, as a string),
``fundingModel`` ("split" or "full"), ``roleCat`` (a list of role codes, "" or "n/a"),
``skillsCat`` (a list of skill category names, or ""), ``description``, ``audience`` and
``link``.

Each item with a level becomes a course:

- ``external_id`` and ``ofqual_ref``: the code (an Ofqual number only when it is one);
- ``level`` from the type, else the title; the qualification type from type and title;
- ``guided_learning_hours``: the source's learning hours (``duration`` in hours, else
  ``totalLearningTime``); the source does not say whether these are guided or total hours;
- money: the employer pays and claims the reimbursement, so ``funding`` is
  "employer_paid", ``cost`` to the learner is 0, ``max_funding`` is the reimbursement
  amount, and ``funding_eligibility`` says so (with the source's funding model);
- ``leads_to``: Routeway role ids for the role categories the item names, through
  ``ROLE_CATEGORY_ROLES`` (the source lists who each category covers: category A "care
  assistant, junior care worker" is ``care-worker`` ...); category D, practice leaders,
  has no Routeway role and maps to none. The category names also go into the description;
- ``skills`` stays empty: the source's skill categories ("Duty of care", "Reduce the
  likelihood of abuse") are not Routeway skill ids, so they are written into the
  description ("Skills covered: ...") for the skill extractor to read. Quirks repaired:
  stray "?" characters are dropped, a name the source split at its comma ("Awareness of
  mental health", "dementia, autism ...") is rejoined, and the "Learning opportunities
  section ..." placeholders are left out;
- the provider is the awarding organisation (type "other"; "City & Guilds" and "City and
  Guilds" are one), or a synthetic DHSC provider when none is named: the source names no
  training provider.

Rejected with the reason: items with no level in their type or title (the Skills for
Care e-learning modules and programmes, and a few qualifications typed only by topic,
such as "Learning Disability"), and items without a code or title. Positions are indexes
in ``training``. The file is one JSON document and is read whole; a body without a
``training`` list raises ``FeedError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from services.common.ingest import FeedError, Reject
from services.training.adapters.assembly import (
    RecordProblem,
    clean,
    plain_text,
    reject_reason,
    unique,
)
from services.training.adapters.levels import find_level
from services.training.adapters.parsing import parse_number, parse_total_hours, slug
from services.training.adapters.qualifications import infer_qualification_type, ofqual_ref
from services.training.adapters.records import CourseRecord, ProviderRecord

DHSC_ROLE_CATEGORIES: dict[str, str] = {
    "rolea": "Entry-level roles (care assistant, junior care worker)",
    "roleb": "Care or support workers (care worker, support worker, senior care worker, "
    "care co-ordinator)",
    "rolec": "Supervisors or leaders (care manager, care supervisor, team leader)",
    "roled": "Practice leaders (expert, champion or specialist care worker)",
    "rmdm": "Registered managers and deputy managers",
}
"""The source's role category codes (``roleCats`` plus "rmdm") and who they cover."""
ROLE_CATEGORY_ROLES: dict[str, tuple[str, ...]] = {
    "rolea": ("care-worker",),
    "roleb": ("care-worker", "senior-care-worker", "care-coordinator"),
    "rolec": ("care-team-leader",),
    "roled": (),
    "rmdm": ("deputy-care-manager", "registered-care-manager"),
}
"""Routeway role ids (services/taxonomy roles) for each DHSC role category."""
DHSC_PROVIDER = ProviderRecord(
    ukprn=None,
    external_id="dhsc-adult-social-care",
    name="DHSC adult social care training",
    type="other",
)
_PLACEHOLDER_SKILL = re.compile(r"^learning opportunities section", re.IGNORECASE)
_HOURS_TEXT = re.compile(r"\b(?:hours?|hrs?|mins?|minutes?)\b", re.IGNORECASE)


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [text for item in value if (text := clean(item))]
    return []


def _awarding_provider(name: str | None) -> ProviderRecord:
    if name is None:
        return DHSC_PROVIDER
    canonical = re.sub(r"\s*&\s*", " and ", name)
    return ProviderRecord(
        ukprn=None,
        external_id=f"awarding-organisation:{slug(canonical)}",
        name=canonical,
        type="other",
    )


def _skill_names(value: Any) -> list[str]:
    """Skill category names, rejoining names the source split at a comma."""
    names: list[str] = []
    for name in _listed(value):
        if names and name[0].islower():
            names[-1] = f"{names[-1]}, {name}"
        else:
            names.append(name)
    return unique(name.replace("?", "") for name in names if not _PLACEHOLDER_SKILL.match(name))


def _hours(item: Mapping[str, Any]) -> float | None:
    for key in ("duration", "totalLearningTime"):
        text = clean(item.get(key))
        if text and _HOURS_TEXT.search(text):
            return parse_total_hours(text)
    return None


def _description(item: Mapping[str, Any], awarding: str | None) -> str:
    category = clean(item.get("category"))
    kind = clean(item.get("type"))
    time = clean(item.get("duration")) or clean(item.get("totalLearningTime"))
    facts = [
        f"Topic: {category}." if category else None,
        f"Type: {kind}." if kind else None,
        f"Awarding organisation: {awarding}." if awarding else None,
        f"Learning time: {time}." if time else None,
    ]
    roles = [
        DHSC_ROLE_CATEGORIES[code] for code in _role_codes(item) if code in DHSC_ROLE_CATEGORIES
    ]
    skills = _skill_names(item.get("skillsCat"))
    description = clean(item.get("description"))
    parts = [
        plain_text(description) if description else None,
        clean(item.get("audience")),
        " ".join(fact for fact in facts if fact),
        "For: " + "; ".join(roles) + "." if roles else None,
        "Skills covered: " + "; ".join(skills) + "." if skills else None,
    ]
    return "\n\n".join(part for part in parts if part)


def _role_codes(item: Mapping[str, Any]) -> list[str]:
    return unique(_listed(item.get("roleCat")))


def _leads_to(item: Mapping[str, Any]) -> list[str]:
    return unique(role for code in _role_codes(item) for role in ROLE_CATEGORY_ROLES.get(code, ()))


def _funding_note(amount: float | None, model: str | None) -> str:
    reimbursed = (
        f"reimbursed up to £{amount:,.0f} per learner"
        if amount is not None
        else "reimbursement amount not stated"
    )
    model_note = f" (funding model: {model})" if model else ""
    return (
        "Paid by the employer, who can claim it back from DHSC adult social care training "
        f"funding: {reimbursed}{model_note}. No cost to the learner."
    )


def training_from_item(item: Any) -> CourseRecord:
    """One ``training`` item as a course (``RecordProblem`` when it cannot be one)."""
    if not isinstance(item, Mapping):
        raise RecordProblem("a training item must be a JSON object")
    code = clean(item.get("code"))
    if code is None:
        raise RecordProblem("training item has no code")
    title = clean(item.get("title"))
    if title is None:
        raise RecordProblem("training item has no title")
    kind = clean(item.get("type"))
    level = find_level(kind) or find_level(title)
    reference = ofqual_ref(code)
    if level is None:
        regulated = "" if reference else "not an Ofqual-regulated qualification and "
        raise RecordProblem(
            f"{regulated}no level in its type {kind or '(none)'!r} or title {title!r}"
        )
    awarding = clean(item.get("awardingOrganisation"))
    amount = parse_number(clean(item.get("reimbursementAmount")))
    provider = _awarding_provider(awarding)
    return CourseRecord(
        external_id=code,
        provider=provider,
        title=title,
        description=_description(item, provider.name if awarding else None),
        qualification_type=infer_qualification_type(kind, title, has_qualification=bool(reference)),
        level=level.level,
        entry_sublevel=level.entry_sublevel,
        ofqual_ref=reference,
        subject=clean(item.get("category")),
        guided_learning_hours=_hours(item),
        cost=0.0,
        funding="employer_paid",
        funding_eligibility=_funding_note(amount, clean(item.get("fundingModel"))),
        max_funding=amount,
        leads_to=_leads_to(item),
        url=clean(item.get("link")),
    )


def _training_or_reject(item: Any, position: int) -> CourseRecord | Reject:
    try:
        return training_from_item(item)
    except (RecordProblem, ValidationError) as error:
        external_id = clean(item.get("code")) if isinstance(item, Mapping) else None
        return Reject(position=position, external_id=external_id, reason=reject_reason(error))


def parse_dhsc_care_training(stream: BinaryIO) -> Iterator[CourseRecord | Reject]:
    """The DHSC prototype's training items as courses, items without a level as rejects."""
    try:
        document = orjson.loads(stream.read())
    except orjson.JSONDecodeError as error:
        raise FeedError(f"not JSON: {error}") from error
    training = document.get("training") if isinstance(document, Mapping) else None
    if not isinstance(training, list):
        raise FeedError("expected an object with a 'training' list")
    for position, item in enumerate(training):
        yield _training_or_reject(item, position)
