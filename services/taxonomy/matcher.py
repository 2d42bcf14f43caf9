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

Three rules ask for more than the phrase itself (all read from development-set errors, see
``docs/QUALITY.md``): a few generic labels ("assessment", "improvement", "carers", "NVQ" ...)
count only when their sentence also says something that makes them the candidate's skill
(:data:`CONTEXT_REQUIRED`, and an NVQ named with another field does not count,
:data:`CONTEXT_EXCLUDED`); the few lines after a "For further details / informal visits
contact" header are contact details (:func:`contact_ranges`); and a sentence naming two or
more therapy professions is a list of colleagues or services, not the job's own discipline
(:func:`drop_lists`); likewise a sentence naming three or more wards or specialties. Boilerplate also covers training the employer offers ("you
will acquire ...", "develop your leadership"), sentences introducing a list of wards or areas,
interview arrangements and bank-shift booking (read from 80 reviewed adverts of pools 2-9).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from services.taxonomy.loader import Taxonomy, load_taxonomy
from services.taxonomy.models import SkillHit, Span
from services.taxonomy.textview import TextView, normalise_token, phrase_tokens
from services.taxonomy.wordtrie import grouped_alternation, trie_pattern

MAX_EVIDENCE = 5

# Sentences of employer boilerplate (regex sources, each anchored at a word start).
BOILERPLATE_PHRASES: tuple[str, ...] = (
    r"committed to",
    r"equal opportunit",
    r"equality of opportunit",
    r"disability confident",
    r"positive about dis",
    r"welcome applications",
    r"guaranteed interview",
    r"armed forces",
    r"mindful employer",
    r"stonewall",
    r"two ticks",
    r"please contact",
    r"for further information",
    r"for more information",
    r"informal (?:enquir|discussion|visit|chat)",
    r"email address",
    r"e-mail address",
    r"via email",
    r"by email",
    r"junk",
    r"spam folder",
    r"check your email",
    r"sponsorship",
    r"certificate of sponsorship",
    r"visa",
    r"we offer",
    r"benefits include",
    r"in return",
    r"flexible working",
    r"staff benefits",
    r"nhs pension",
    r"car lease",
    r"salary sacrifice",
    r"apply online",
    r"application form",
    r"closing date",
    r"shortlisted",
    r"interview date",
    # benefits and perks the employer offers
    r"pension",
    r"annual leave",
    # (not "bank holidays": working them is a shift pattern, not a perk)
    r"holiday(?<!bank holiday)s?\b(?! (?:periods?|cover|shifts?|working))",
    r"life assurance",
    r"discount",
    r"salary sacrifice",
    r"cycle to work",
    r"childcare",
    r"\bgym\b",
    r"fitness",
    r"wellness",
    r"wellbeing (?:support|programme|centre)",
    r"health checks? and",
    r"staff health",
    r"relocation",
    r"lease car",
    r"free parking",
    r"free meals",
    r"employee assistance",
    # statements of the employer's values and safeguarding duty
    r"our values",
    r"trust values",
    r"values of\b",
    r"values are\b",
    r"share (?:this|our) commitment",
    r"safeguarding and promoting",
    r"promoting the welfare",
    r"safer recruitment",
    r"safe recruitment",
    # training and development the employer will give
    r"opportunit(?:y|ies) to (?:develop|gain|learn|attend|undertake|rotate|train|work towards)",
    r"training (?:opportunities|programme)",
    r"training (?:will be|is|can be) (?:provided|given|available)",
    r"development opportunities",
    r"we (?:offer|can offer|will offer|will support|will provide)",
    r"you will receive",
    r"support you (?:to|in|with)",
    # what the employer or service already provides (describing itself, not the job)
    r"\bwe provide\b",
    r"\bprovides? (?:a |an )?(?:range|full range|wide range|specialist|high quality)",
    r"our services",
    r"services include",
    r"rated (?:good|outstanding)",
    r"leading provider",
    r"provider of",
    r"provides? (?:nhs|physical|mental|integrated|community|acute|inpatient|health)",
    r"providing (?:\w+ ){0,2}services (?:to|for|across|including|in)\b",
    r"range of (?:\w+ ){0,3}services",
    r"we employ",
    # pay and perks of bank and agency work
    r"get paid",
    r"weekly pay",
    r"pay rates?",
    r"vouchers?",
    r"temporary workers",
    r"feel (?:motivated|valued|rewarded)",
    # development the employer offers
    r"(?:leadership|development|mentoring|preceptorship) (?:programme|scheme)",
    r"opportunit(?:y|ies) for (?:training|development|research)",
    r"offers? (?:opportunities|support|a range)",
    # training and skills the employer offers ("you will acquire ... skills including",
    # "develop your leadership skills")
    r"you will acquire",
    r"develop your (?:leadership|professional|career)",
    # lists of the trust's wards, areas and specialties (a bank advert's list of areas)
    r"wards? such as",
    r"wards (?:such as|including|include)\b",
    r"areas (?:such as|including|include)\b",
    r"speciali?ties (?:such as|including|include)\b",
    r"departments (?:such as|including|include)\b",
    # the application process and equal-opportunities monitoring
    r"interviews? (?:will|may|are|is)\b",
    r"protected characteristic",
    r"diversity statement",
    r"trac account",
    r"job (?:advert )?(?:may|will) close",
    r"vacancy (?:may|will) close",
    r"post (?:may|will) close",
    # booking bank shifts (a perk of the bank, not a skill)
    r"book(?:ing)? (?:your )?(?:shifts|work)",
    r"through your (?:smartphone|phone|mobile)",
    r"via your (?:smartphone|phone|mobile)",
    r"on your (?:smartphone|phone|mobile)",
    r"using your (?:smartphone|phone|mobile)",
    # contact lines
    r"job title",
    r"telephone number",
    r"[a-z0-9._-]+@[a-z]",
)
# Only ever asked whether a segment holds one of them, so the phrases are grouped by first
# letter (:func:`wordtrie.grouped_alternation`): the same matches, tried faster.
_BOILERPLATE = re.compile(r"\b" + grouped_alternation(BOILERPLATE_PHRASES))
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
    "drug administration",
    "administration of",
    "primary care hospital",
    "health education england",
    "public health england",
    "teaching programme",
    "departmental teaching",
    "teaching training and research",
    "teaching and research",
    "counselling and forensic psychologist",
    "counselling forensic psychologist",
    "compassionate team",
    "compassionate therapy",
    "excel at",
    "excel in",
    "excel within",
    "to excel",
    "catering for",
    "catering equipment",
    "confidential chat",
    "confidential discussion",
    "confidential telephone",
    "confidential advice",
    "confidential counselling",
    "confidential support",
    # names of teams, units and publications, not the skill ("Senior Leadership Team",
    # "acute assessment unit", "Assessment and Treatment service", "journal club")
    "leadership team",
    "senior leadership team",
    "assessment unit",
    "assessment units",
    "assessment area",
    "assessment areas",
    "acute assessment",
    "skills assessment",
    "skills assessments",
    "clinical skills assessment",
    "clinical skills assessments",
    "journal club",
    "health service journal",
    "it department",
    "ict department",
    "innovative company",
    "innovative organisation",
    "innovative trust",
    "innovative team",
    "innovative service",
    "innovative services",
    "innovative approaches",
    "counselling psychology",
    "counselling or clinical psychologist",
    "counselling or clinical psychologists",
    "counselling or health psychology",
    "peer mentor",
    "peer mentors",
    "clinical commissioning group",
    "clinical commissioning groups",
    "commissioning group",
)
# Generic phrases that name a skill only with supporting words in the same segment:
# "assessment" of patients (not of a service), an "improvement" the post holder drives,
# carers the post holder works with (not "care to our patients and their families"),
# an NVQ in care. Phrase -> regex source searched in the lower-cased segment.
_PATIENT_CONTEXT = (
    r"\b(?:patient|service user|client|clinical|nursing|care|need|treat|risk|holistic|"
    r"diagnos|caseload|referr)"
)
_CARER_CONTEXT = (
    r"\b(?:support|involv|work|liais|engag|communicat|advi|collaborat|partnership|listen|"
    r"needs)"
)
# Adjectives an employer also uses about itself ("an innovative team", "flexible hours")
# count when the sentence is about the person wanted.
_CANDIDATE_CONTEXT = (
    r"\b(?:you|your|candidate|applicant|individual|post ?holder|person|someone|looking for|"
    r"seeking|must|should|abilit|able to)"
)
CONTEXT_REQUIRED: dict[str, str] = {
    "innovative": _CANDIDATE_CONTEXT,
    "innovation": _CANDIDATE_CONTEXT,
    "flexible": _CANDIDATE_CONTEXT,
    "flexibility": _CANDIDATE_CONTEXT,
    "assessment": _PATIENT_CONTEXT,
    "assessments": _PATIENT_CONTEXT,
    "assessing": _PATIENT_CONTEXT,
    "assess": _PATIENT_CONTEXT,
    "improvement": r"\b(?:quality|service|contribut|driv|lead|continu|project|initiative|participat)",
    "communication": (
        r"\b(?:skill|excellent|good|effective|abilit|able to|verbal|written|interpersonal|"
        r"clear|confident)"
    ),
    "carers": _CARER_CONTEXT,
    "relatives": _CARER_CONTEXT,
    "their families": _CARER_CONTEXT,
    "patients and their families": _CARER_CONTEXT,
    "families and carers": _CARER_CONTEXT,
    "databases": r"\b(?:sql|access|design|query|develop|manag|build)",
    # a transformation the post holder leads or delivers (not "the service is under
    # transformation"); suppliers the post holder buys from
    "transformation": (
        r"\b(?:lead|manag|support|deliver|implement|driv|experience|skill|programme|project)"
    ),
    "supplier": r"\b(?:purchas|order|procure|tender|contract|negotiat|quot|invoic|requisition|price|stock)",
    "suppliers": r"\b(?:purchas|order|procure|tender|contract|negotiat|quot|invoic|requisition|price|stock)",
    # organising meetings, not attending them
    "meetings": (
        r"\b(?:organis|organiz|arrang|minut|agenda|diar|book|schedul|co-?ordinat|servic|"
        r"prepar|papers|chair|administ|record|hold|run|lead(?:ing)? \w* ?meeting)"
    ),
}
# ... and phrases that do not count when their segment names another field: an NVQ in
# business administration or housekeeping is not a care qualification.
_OTHER_NVQ = (
    r"\b(?:business|administration|housekeeping|pharmacy|customer|catering|hospitality|"
    r"management|cleaning)"
)
# The candidate receiving clinical supervision ("participate in / access to clinical
# supervision") is not giving it.
_RECEIVING = r"\b(?:receiv|attend|participat|access to|engage in|take part|benefit)"
# Flexibility the employer offers ("flexible hours", "do you want more flexibility").
_FLEXIBLE_OFFERED = (
    r"\bflexib\w* (?:role|hours|bank|shifts?|rota|roster|working|opportunit|pattern|contract)|"
    r"\bwe (?:always )?try|\bdo you want|looking for (?:a |more )?flexib"
)
# "be part of the team?" invites the reader to join; it does not ask for teamwork.
_JOIN_TEAM = (
    r"\b(?:join|(?:like|want|wish|love) to (?:be|become) (?:a )?part|be (?:a )?part of "
    r"(?:the|our|this)|become (?:a )?part)"
)
CONTEXT_EXCLUDED: dict[str, str] = {
    **{
        phrase: _OTHER_NVQ
        for phrase in (
            "nvq",
            "qcf",
            "nvq level 2",
            "nvq level 3",
            "nvq 2",
            "nvq 3",
            "qcf level 2",
            "qcf level 3",
            "rqf level 2",
            "rqf level 3",
        )
    },
    "clinical supervision": _RECEIVING,
    "flexible": _FLEXIBLE_OFFERED,
    "flexibility": _FLEXIBLE_OFFERED,
    "part of the team": _JOIN_TEAM,
    # training and coaching the candidate receives ("attend training sessions",
    # "regular coaching and appraisal")
    "training sessions": r"\b(?:attend|receiv|participat)",
    "coaching": r"\b(?:regular coaching|career coaching|receiv|appraisal|we will|wellbeing)",
    "part of a team": _JOIN_TEAM,
}
# The phrase token sequences of CONTEXT_REQUIRED ("communicate" and "communicating" share
# the tokens of "communication" only after normalising; list each form the matcher sees).
CONTEXT_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {
    phrase_tokens(phrase): re.compile(source) for phrase, source in CONTEXT_REQUIRED.items()
}
for _form in ("communicate", "communicating"):
    CONTEXT_PATTERNS[phrase_tokens(_form)] = CONTEXT_PATTERNS[phrase_tokens("communication")]
EXCLUDING_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {
    phrase_tokens(phrase): re.compile(source) for phrase, source in CONTEXT_EXCLUDED.items()
}
# "For further details / informal visits contact:" starts the NHS Jobs contact block: the
# next few lines are names, job titles and numbers of the people to contact.
# (found from the line end: "contact" at the end of a line starts with a literal, so the
# regex engine jumps between occurrences; the header words are then read on that line only)
_CONTACT_END = re.compile(r"contact\W*$", re.MULTILINE)
_CONTACT_HEADER = re.compile(
    r"(?:informal visits?|further details|further information|informal (?:enquiries|discussion))"
    r"[^.\n]{0,30}$"
)
CONTACT_WINDOW = 250
# Therapy professions: a sentence naming two or more of them lists colleagues or services.
PROFESSION_SKILLS = frozenset(
    {
        "physiotherapy-support",
        "occupational-therapy-support",
        "speech-language-support",
        "dietetics-support",
        "podiatry-support",
    }
)
# Wards, specialties and services: a sentence naming SPECIALTY_LIST or more of them lists the
# trust's services or a bank advert's areas ("wards such as respiratory, cardiology, stroke").
SPECIALTY_SKILLS = frozenset(
    {
        "respiratory-care",
        "cardiac-care",
        "critical-care",
        "emergency-department",
        "emergency-care",
        "paediatric-care",
        "maternity-care",
        "neonatal-care",
        "older-people-care",
        "stroke-care",
        "diabetes-care",
        "dementia-care",
        "end-of-life-care",
        "perioperative-care",
        "pathology-lab",
        "imaging-support",
        "audiology-support",
        "optical-eye-care",
        "epilepsy-awareness",
        "sexual-health",
        "frailty-care",
        "acquired-brain-injury",
        "anaesthetic-support",
        "allergen-awareness",
        "cardio-respiratory-diagnostics",
    }
)
SPECIALTY_LIST = 3
_DESIRABLE = re.compile(
    r"\b(?:desirable|desired|advantageous|an advantage|advantage|beneficial|preferable|preferred|"
    r"ideally|an asset|would be nice|not essential|nice to have|welcomed|helpful but not)\b"
)
_ESSENTIAL = re.compile(r"\b(?:essential|must|required|requirement|mandatory|necessary)\b")
# characters that case-fold to an ASCII letter without being one (see _Markers)
_IGNORECASE_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")
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
    """Single-token phrases by token; longer phrases by their first two tokens, longest first.

    ``candidates`` finds, in lower-cased text, every token where some phrase could start:
    a token whose normalised form is a one-token phrase, or the first two tokens of a longer
    phrase. Only those tokens are looked at one by one (see :func:`find_skills`).
    """

    single: dict[str, _Phrase]
    by_pair: dict[tuple[str, str], tuple[_Phrase, ...]]
    labels: dict[str, str]
    candidates: re.Pattern[str]
    max_tokens: int
    longest: dict[str, int]


def surface_forms(norm: str) -> tuple[str, ...]:
    """Every lower-case token whose :func:`normalise_token` is ``norm`` ("hoist", "hoists")."""
    options = [norm, norm + "s"]
    if norm.endswith("y"):
        options.append(norm[:-1] + "ies")
    if norm == "and":
        options.append("&")
    return tuple(form for form in options if normalise_token(form) == norm)


def _token_pattern(norms: set[str] | list[str], follow: dict[str, str] | None = None) -> str:
    """Regex source for one token whose normalised form is in ``norms`` (lower-case text).

    A letter/digit form must end where its token ends; ``&`` ``+`` ``#`` are tokens on their
    own. ``follow`` maps a norm to a continuation source that must come after it.
    """
    words: dict[str, str] = {}
    for norm in norms:
        after = (follow or {}).get(norm, "")
        for form in surface_forms(norm):
            words[form] = (_ENDS_WORD if form[-1].isalnum() else "") + after
    return trie_pattern(words)


def _candidate_pattern(
    single: dict[str, _Phrase], by_pair: dict[tuple[str, str], tuple[_Phrase, ...]]
) -> re.Pattern[str]:
    seconds: dict[str, set[str]] = defaultdict(set)
    for first, second in by_pair:
        seconds[first].add(second)
    follow = {
        first: f"{_BETWEEN_TOKENS}{_token_pattern(sorted(after))}"
        for first, after in seconds.items()
        if first not in single
    }
    starters = set(single) | set(seconds)
    alnum = sorted(norm for norm in starters if norm[0].isalnum())
    symbols = sorted(norm for norm in starters if not norm[0].isalnum())
    branches = [f"{_STARTS_WORD}{_token_pattern(alnum, follow)}"] if alnum else []
    branches += [_token_pattern([norm], follow) for norm in symbols]
    return re.compile("|".join(branches) or "(?!)")


# between two tokens: anything that is not a token character (lower-cased text)
_BETWEEN_TOKENS = "[^a-z0-9&+#]*"
_STARTS_WORD = "(?<![a-z0-9])"
_ENDS_WORD = "(?![a-z0-9])"
_LOWER_TOKEN = re.compile(r"[a-z0-9]+|[&+#]")


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
    return PhraseIndex(
        single,
        by_pair,
        {skill.id: skill.label for skill in taxonomy.skills},
        _candidate_pattern(single, by_pair),
        max((len(tokens) for tokens in owners), default=1),
        _longest_by_first(owners),
    )


def _longest_by_first(phrases: dict[tuple[str, ...], list[str]]) -> dict[str, int]:
    """The most tokens any phrase starting with each first token has."""
    longest: dict[str, int] = {}
    for tokens in phrases:
        longest[tokens[0]] = max(longest.get(tokens[0], 0), len(tokens))
    return longest


@functools.cache
def default_index() -> PhraseIndex:
    """The phrase index of the shipped taxonomy (built once)."""
    return build_index(load_taxonomy())


class _Markers:
    """Essential/desirable markers and boilerplate of an advert, read per segment on demand.

    Boilerplate, marker words and header lines never span a segment boundary, so reading
    one segment gives what a scan of the whole advert would say about it.
    """

    def __init__(self, view: TextView) -> None:
        self.view = view
        self._boiler: dict[int, bool] = {}
        self._marks: dict[int, list[tuple[int, bool]]] = {}
        self._headers: tuple[list[int], list[bool]] | None = None
        self._contact: list[tuple[int, int]] | None = None

    def boiler(self, segment: int) -> bool:
        found = self._boiler.get(segment)
        if found is None:
            start, end = self.view.segment_bounds(segment)
            found = _BOILERPLATE.search(self.view.lower, start, end) is not None
            if not found:
                if self._contact is None:
                    self._contact = contact_ranges(self.view.lower)
                found = any(low < start <= high for low, high in self._contact)
            self._boiler[segment] = found
        return found

    def context(self, pattern: re.Pattern[str], segment: int) -> bool:
        start, end = self.view.segment_bounds(segment)
        return pattern.search(self.view.lower, start, end) is not None

    def marks(self, segment: int) -> list[tuple[int, bool]]:
        found = self._marks.get(segment)
        if found is None:
            start, end = self.view.segment_bounds(segment)
            lower = self.view.lower
            found = [(m.start(), False) for m in _DESIRABLE.finditer(lower, start, end)]
            found += [(m.start(), True) for m in _ESSENTIAL.finditer(lower, start, end)]
            found.sort()
            self._marks[segment] = found
        return found

    def _header_segments(self) -> tuple[list[int], list[bool]]:
        """Segments that are an "Essential" / "Desirable" header line, in order."""
        if self._headers is None:
            view = self.view
            if _IGNORECASE_SPECIAL.search(view.plain):
                # a header could be spelled with a character that only case-folds to ASCII
                candidates = {
                    view.segment_of(m.start())
                    for pattern in (_DESIRABLE, _ESSENTIAL)
                    for m in pattern.finditer(view.lower)
                }
            else:
                candidates = set()
                for word in ("essential", "desirable"):
                    at = view.lower.find(word)
                    while at >= 0:
                        candidates.add(view.segment_of(at))
                        at = view.lower.find(word, at + 1)
            segments: list[int] = []
            values: list[bool] = []
            for segment in sorted(candidates):
                if not self.marks(segment):
                    continue
                header = _HEADER.match(view.segment_text(segment).strip())
                if header:
                    segments.append(segment)
                    values.append(header.group(1).lower() == "essential")
            self._headers = (segments, values)
        return self._headers

    def essential_at(self, offset: int, segment: int) -> bool:
        found = self.marks(segment)
        if found:
            before = [mark for mark in found if mark[0] < offset]
            return (before[-1] if before else found[0])[1]
        segments, values = self._header_segments()
        at = bisect.bisect_right(segments, segment) - 1
        return True if at < 0 else values[at]


def contact_ranges(lower: str) -> list[tuple[int, int]]:
    """``(header end, header end + CONTACT_WINDOW)`` for each contact header in ``lower``.

    A segment that starts inside a range (after the header line, within the window) is
    contact details and is skipped like boilerplate.
    """
    ranges: list[tuple[int, int]] = []
    for end in _CONTACT_END.finditer(lower):
        line_start = lower.rfind("\n", 0, end.start()) + 1
        if _CONTACT_HEADER.search(lower, line_start, end.start()):
            ranges.append((end.end(), end.end() + CONTACT_WINDOW))
    return ranges


_Hit = tuple[str, Span, int, bool]  # skill id, evidence, segment, essential


def drop_lists(hits: list[_Hit], kinds: frozenset[str], minimum: int) -> list[_Hit]:
    """``hits`` without the ``kinds`` skills found in a segment that names ``minimum`` or more
    of them: such a segment lists colleagues, services or wards, not the job's own skills."""
    seen: dict[int, set[str]] = defaultdict(set)
    for sid, _span, segment, _essential in hits:
        if sid in kinds:
            seen[segment].add(sid)
    lists = {segment for segment, sids in seen.items() if len(sids) >= minimum}
    if not lists:
        return hits
    return [hit for hit in hits if hit[0] not in kinds or hit[2] not in lists]


def skill_hits(hits: list[_Hit], labels: dict[str, str]) -> tuple[SkillHit, ...]:
    """One :class:`SkillHit` per skill, in order of first mention, from raw ``hits``."""
    spans: dict[str, list[Span]] = {}
    essential: dict[str, bool] = {}
    listed = drop_lists(hits, PROFESSION_SKILLS, 2)
    for sid, span, _segment, is_essential in drop_lists(listed, SPECIALTY_SKILLS, SPECIALTY_LIST):
        if sid not in spans:
            spans[sid] = []
            essential[sid] = is_essential
        else:
            essential[sid] = essential[sid] or is_essential
        if len(spans[sid]) < MAX_EVIDENCE:
            spans[sid].append(span)
    return tuple(
        SkillHit(id=sid, label=labels[sid], evidence=tuple(spans[sid]), essential=essential[sid])
        for sid in spans
    )


def find_skills(view: TextView, index: PhraseIndex | None = None) -> tuple[SkillHit, ...]:
    """Skills mentioned in ``view``, in order of first mention, with evidence spans.

    At each token the longest phrase wins and its tokens are skipped; tokens where no phrase
    can start are skipped by the ``candidates`` regex without Python work.
    """
    index = index or default_index()
    text = view.match_text
    plain = view.plain
    starts = view.segment_starts
    markers = _Markers(view)
    hits: list[_Hit] = []
    context_patterns = CONTEXT_PATTERNS
    excluding_patterns = EXCLUDING_PATTERNS
    search = index.candidates.search
    max_tokens = index.max_tokens
    longest = index.longest
    pos = 0
    while True:
        found = search(text, pos)
        if found is None:
            break
        at = found.start()
        local: list[tuple[str, int, int]] = []
        limit = max_tokens
        for match in _LOWER_TOKEN.finditer(text, at):
            norm = normalise_token(match.group())
            if not local:
                limit = longest.get(norm, 1)
            local.append((norm, match.start(), match.end()))
            if len(local) >= limit:
                break
        n = len(local)
        candidates: tuple[_Phrase, ...] = ()
        if n > 1:
            candidates = index.by_pair.get((local[0][0], local[1][0]), ())
        one = index.single.get(local[0][0])
        if one is not None:
            candidates = (*candidates, one)
        matched_end = 0
        for phrase in candidates:
            length = len(phrase.tokens)
            if length > n:
                continue
            if length > 2 and any(local[k][0] != phrase.tokens[k] for k in range(2, length)):
                continue
            if phrase.upper_only and not all(
                plain[local[k][1] : local[k][2]].isupper()
                for k in range(length)
                if local[k][0].isalpha()
            ):
                continue
            first_start, last_start, last_end = (
                local[0][1],
                local[length - 1][1],
                local[length - 1][2],
            )
            segment = bisect.bisect_right(starts, first_start) - 1
            if bisect.bisect_right(starts, last_start) - 1 != segment:
                continue
            matched_end = last_end
            if not phrase.skill_ids or markers.boiler(segment):
                break
            needs = context_patterns.get(phrase.tokens)
            if needs is not None and not markers.context(needs, segment):
                break
            excludes = excluding_patterns.get(phrase.tokens)
            if excludes is not None and markers.context(excludes, segment):
                break
            is_essential = markers.essential_at(first_start, segment)
            span = Span(first_start, last_end, view.original[first_start:last_end])
            for sid in phrase.skill_ids:
                hits.append((sid, span, segment, is_essential))
            break
        pos = matched_end or at + 1
    return skill_hits(hits, index.labels)
