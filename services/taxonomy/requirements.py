"""Reading checks and qualifications (driving licence, DBS, English/maths, registration,
essential experience) from the plain view of an advert with regular expressions.

Mentions inside "desirable" context do not count as essential experience or English/maths:
a "Desirable" column, a lead-in such as "you will ideally have:" and the list under it, and
a desirable clause of a sentence ("GCSEs are required, and experience would be beneficial"
keeps only its first clause; "not essential" is not an essential marker). A driving licence
counts whether essential or desirable, as the labelling guideline says. Experience is not
essential when the post also welcomes newly qualified staff. Registration comes from an
explicit regulator mention; callers add the regulator implied by a registered profession's
SOC code or by nursing abbreviations (RMN, RGN, RNLD ...).
"""

from __future__ import annotations

import bisect
import itertools
import re

from services.taxonomy.models import Requirements

_FLAGS = 0


def at_word_start(pattern: str) -> re.Pattern[str]:
    """Compile an alternation that may only start at a word boundary.

    Anchoring the whole alternation with ``\\b`` lets the regex engine skip its branches
    at every position inside a word, which makes scanning long adverts much faster.
    """
    return re.compile(r"\b(?:" + pattern + ")")


_DRIVING = at_word_start(
    r"driv(?:ing|er'?s?)\s+licen[cs]e|full\s+(?:uk\s+|clean\s+|valid\s+|manual\s+)*licen[cs]e|"
    r"(?:access\s+to|use\s+of|own)\s+(?:a\s+|your\s+own\s+)?(?:car|vehicle|transport)\b(?!\s+(?:salary|lease|leasing|scheme|benefit|parking|park))|"
    r"\bcar\s+(?:driver|owner|user)\b|(?:ability|able|willing)\s+to\s+drive|must\s+(?:be\s+able\s+to\s+)?drive|"
    r"business\s+(?:car\s+)?insurance|\bdriver\s+(?:is\s+)?essential|\bcategory\s+(?:b|c1|d1|c|d)\b(?!(?:\s+[\w\u2019']+){0,4}\s+(?:prison|establishment|jail))|"
    r"\b(?:c1|d1)\s+(?:licen[cs]e|entitlement|category)",
)
_NO_DRIVING = re.compile(
    r"non[-\s]?drivers?|driv(?:ing|er'?s?)\s+licen[cs]e\s+(?:is\s+)?not\s+(?:essential|required|necessary)|"
    r"no\s+(?:need\s+for\s+a\s+)?driving\s+licen[cs]e|(?:do\s+not|don'?t)\s+need\s+(?:to\s+drive|a\s+(?:driving\s+)?licen[cs]e)",
    _FLAGS,
)
_CATEGORY = re.compile(r"\b(?:category|cat\.?)\s*(c1e|d1e|c1|d1|be|c|d|b)\b|\b(c1|d1)\b", _FLAGS)
_DBS = at_word_start(
    r"\bdbs\b|disclosure\s+(?:and|&)\s+barring|\bcrb\b|criminal\s+records?\s+(?:check|disclosure|bureau)|"
    r"rehabilitation\s+of\s+offenders|disclosure\s+check|police\s+check|barred\s+list|"
    r"disclosure\s+barring|enhanced\s+disclosure|\bvetting\b|security\s+(?:check|clearance)",
)
_DBS_LEVEL = re.compile(r"\b(enhanced|standard|basic)\b", _FLAGS)
_ENGLISH = re.compile(r"\benglish\b|\bliteracy\b", _FLAGS)
_MATHS = at_word_start(r"maths?\b|mathematics\b|numeracy\b|application\s+of\s+number")
_LEVEL2 = re.compile(
    r"\bgcses?\b|\bo[-\s]?levels?\b|grade\s+(?:[a-c]|[4-9])\b|level\s*2\b|l2\b|\bigcse\b|a\*?\s*-\s*c\b|9\s*-\s*4\b",
    _FLAGS,
)
_LEVEL1 = re.compile(r"level\s*1\b|\bl1\b|functional\s+skills", _FLAGS)
# English/maths levels and DBS check levels, lowest first: the higher one found wins
_LEVELS = ("entry3", "level1", "level2")
_DBS_LEVELS = ("basic", "standard", "enhanced")
_ENTRY3 = re.compile(r"entry\s*(?:level\s*)?3\b", _FLAGS)
_REGULATORS = (
    ("NMC", re.compile(r"\bnmc\b|nursing\s+(?:and|&)\s+midwifery\s+council", _FLAGS)),
    (
        "HCPC",
        re.compile(r"\bhcpc\b|\bhpc\b|health\s+(?:and|&)\s+care\s+professions?\s+council", _FLAGS),
    ),
    ("GMC", re.compile(r"\bgmc\b|general\s+medical\s+council", _FLAGS)),
    ("GPhC", re.compile(r"\bgphc\b|general\s+pharmaceutical\s+council", _FLAGS)),
    ("GDC", re.compile(r"\bgdc\b|general\s+dental\s+council", _FLAGS)),
    ("GOC", re.compile(r"\bgoc\b|general\s+optical\s+council", _FLAGS)),
    ("SWE", re.compile(r"social\s+work\s+england|\bhcpc\b.{0,40}social\s+work", _FLAGS)),
    ("UKCP", re.compile(r"\bukcp\b|\bbacp\b\s+accredit|\bbabcp\b", _FLAGS)),
)
_REG_CONTEXT = re.compile(
    r"regist|\bpin\b|licen[cs]e\s+to\s+practi|\bnmc\b|\bhcpc\b|\bgmc\b|\bgphc\b|\bgdc\b", _FLAGS
)
_REG_STRONG = re.compile(r"must|essential|required|current|valid|active|live|full", _FLAGS)
_EXPERIENCE = re.compile(r"\bexperience[ds]?\b", _FLAGS)
# "experience" in another sense, or about someone else: patients who experience something,
# pay that depends on it, the employer's experienced staff
_EXP_OTHER_SENSE = re.compile(
    r"\b(?:who|people|users?|patients?|children|families|they|clients?)\s+(?:have\s+had\s+|may\s+|might\s+|can\s+)?experienc\w*$|"
    r"^experiences?\s+(?:a\s+range|difficult|problems|mental|health|trauma|crisis|homeless)|"
    r"\b(?:patient|user|customer|service|great|positive|better)\s+experiences?$|"
    r"^experiences?\s+for\s+(?:our\s+)?(?:patients|service\s+users|people)|"
    r"\b(?:depending|dependent|depends|based)\s+(?:on|upon)\s+(?:your\s+|previous\s+|relevant\s+)?experience[ds]?$|"
    r"^experienced,?\s+(?:[\w-]+[\s,]+){0,3}(?:colleagues|team|staff|mentors|consultants|clinicians|workforce|educators)\b(?!\s*(?:player|member|leader|worker))",
    _FLAGS,
)
_EXP_NEGATIVE = at_word_start(
    r"no\s+(?:previous\s+|prior\s+|formal\s+|care\s+|relevant\s+)?experience|experience\s+(?:is\s+)?not\s+(?:essential|required|necessary|needed)|"
    r"without\s+(?:previous\s+|prior\s+)?experience|(?:do\s+not|don'?t)\s+need\s+(?:any\s+)?(?:previous\s+)?experience|"
    r"experience\s+(?:is\s+)?(?:desirable|preferred|an\s+advantage|advantageous|helpful|beneficial)|"
    r"(?:full|comprehensive)\s+training\s+(?:will\s+be\s+|is\s+)?(?:given|provided)|"
    # the same post is open to newcomers (labelling guideline: experience is then not essential)
    r"newly[\s-]+qualified|recently\s+qualified|(?:do\s+not|don'?t|dont)\s+have\s+(?:\w+\s+){0,4}experience|"
    r"return(?:ing)?\s+to\s+(?:practice|the\s+profession|nursing)|career\s+break|new\s+graduates?|"
    r"newly\s+graduated|just\s+finishing",
)
_EXP_POSITIVE = re.compile(
    r"essential|required|must|necessary|need\s+to\s+have|proven|demonstrable|demonstrated|significant|substantial|"
    r"extensive|previous|prior|recent|minimum\s+of|\d+\s*(?:\+\s*)?(?:years?|months?)|considerable|"
    r"\b(?:an|be|are|highly|suitably)\s+experienced\b|"
    # list items and plain statements: "Experience of ...", "you will have experience in ..."
    r"^\W*(?:some\s+|relevant\s+|post[\s-]+\w+\s+)?experience\s+(?:of|in|with|as|working)\b|"
    # a list item naming the person: "- Experienced registered general nurse"
    r"^\W*experienced\s+\w|"
    r"\b(?:have|has|having|with)\s+(?:had\s+|gained\s+)?(?:some\s+|relevant\s+|good\s+|broad\s+|a\s+broad\s+|post[\s-]+\w+\s+)?experience\b|"
    r"\bhave\s+worked\s+in\b|track\s+record|"
    # "a candidate who has ... office experience", "this vacancy is for experienced nurses",
    # "looking for two experienced ...", "you will have ... accounting experience",
    # "a registered dietitian with hospital experience", "- Knowledge and experience of ..."
    r"\b(?:looking\s+for|seeking)\s+(?:a|an)\s+(?:\w+\s+)?(?:candidate|applicant|person|individual)\s+(?:who|that)\s+(?:has|have)\b|"
    r"\bfor\s+experienced\b|\blooking\s+for\s+(?:[\w-]+\s+){0,2}experienced\b|"
    r"\b(?:you\s+will|you'll|must|should)\s+have\s+(?:[\w&,/-]+\s+){0,5}experience\b|"
    r"\b(?:nurse|candidate|applicant|professional|clinician|practitioner|therapist|[a-z]+ist|[a-z]+ian)s?\s+with\s+(?:[\w&,/-]+\s+){0,4}experience\b|"
    r"^\W*(?:good\s+|sound\s+|some\s+)?(?:knowledge|understanding|skills?)\s+(?:and|&)\s+experience\s+(?:of|in|with)\b",
    _FLAGS,
)
_DESIRABLE = at_word_start(
    r"desirable|advantage|preferred|preferable|beneficial|ideally|not\s+essential|an\s+asset",
)
_REG_KEYS = ("regist", "pin", "licen", "nmc", "hcpc", "gmc", "gphc", "gdc")
_ESSENTIAL_WORD = re.compile(r"(?<!not\s)(?:essential|must|required)")
# "\n" or whitespace after a full stop; written to start with a character set (fast) and
# the same matches as r"\n|(?<=[.;!?])\s"
_SEGMENT_SPLIT = re.compile(r"\s(?:(?<=\n)|(?<=[.;!?]\s))")
# Substrings one of which every match of a pattern must contain: where none occurs, the
# (slow) pattern cannot match and is not run. Each list is read off its pattern above.
_DRIVING_WORDS = ("driv", "licen", "vehicle", "transport", "insurance", "categor", "entitlement")
_CAR_WORD = re.compile(r"car(?<=\bcar)\b")  # "car" as a word, for "use of a car"
_DBS_WORDS = (
    "dbs",
    "disclosure",
    "crb",
    "criminal",
    "rehabilitation",
    "police",
    "barred",
    "vetting",
    "security",
)
# what English/maths levels, registration and essential experience are read from
_CLAUSE_TRIGGER = re.compile(
    "english|literacy|math|numeracy|application|experience|nmc|council|hcpc|hpc|gmc|gphc|gdc|goc|"
    "england|ukcp|bacp|babcp"
)
# clauses inside one sentence: "GCSEs are required, and experience would be beneficial"
_CLAUSE_SPLIT = re.compile(
    r",\s+(?=(?:and|but|although|whilst|while|ideally|preferably)\b)|;\s+|\s+but\s+"
)


def _segments(plain: str) -> list[str]:
    return [seg for seg in _SEGMENT_SPLIT.split(plain) if seg.strip()]


def _level_near(segment: str, subject: re.Pattern[str]) -> str | None:
    best: str | None = None
    for match in subject.finditer(segment):
        window = segment[max(0, match.start() - 90) : match.end() + 90]
        if _ENTRY3.search(window):
            level = "entry3"
        elif _LEVEL2.search(window):
            level = "level2"
        elif _LEVEL1.search(window):
            level = "level1"
        else:
            continue
        best = _higher(best, level, _LEVELS)
    return best


def _essential_segments(
    plain: str, wanted: set[int] | None = None, parts: list[str] | None = None
) -> list[str]:
    """Clauses not in a "Desirable" column or sentence.

    With ``wanted`` (indices into ``parts``, which is ``_SEGMENT_SPLIT.split(plain)``), only
    the clauses of those segments are returned; the others are still read for
    Essential/Desirable headers.
    """
    out: list[str] = []
    in_desirable = False
    for index, segment in enumerate(_SEGMENT_SPLIT.split(plain) if parts is None else parts):
        if not segment.strip():
            continue
        head = segment.strip().lower().rstrip(":")
        if head in {"desirable", "desirable criteria", "desirable:"}:
            in_desirable = True
            continue
        if head in {"essential", "essential criteria", "essential:"}:
            in_desirable = False
            continue
        if head.endswith(":") or segment.rstrip().endswith(":"):
            # "you will ideally have:" introduces a desirable list; a plain lead-in ends it
            in_desirable = bool(_DESIRABLE.search(head))
            if in_desirable:
                continue
        if in_desirable or (wanted is not None and index not in wanted):
            continue
        for clause in _CLAUSE_SPLIT.split(segment):
            if _DESIRABLE.search(clause) and not _ESSENTIAL_WORD.search(clause):
                continue
            out.append(clause)
    return out


def _triggered_segments(plain: str, parts: list[str]) -> set[int]:
    """Indices of the ``_SEGMENT_SPLIT`` segments that mention English/maths, a regulator or
    experience: the only clauses whose content the flags below read.

    Every separator ``_SEGMENT_SPLIT`` matches is one character, so segment ``k`` starts
    at ``sum(len(earlier segments)) + k``.
    """
    found = [m.start() for m in _CLAUSE_TRIGGER.finditer(plain)]
    if not found:
        return set()
    starts = list(itertools.accumulate((len(seg) + 1 for seg in parts), initial=0))
    return {bisect.bisect_right(starts, at) - 1 for at in found}


def detect_requirements(plain: str, *, entry_level_role: bool) -> Requirements:
    """Requirements stated in ``plain``: the LOWER-CASED plain view of an advert."""
    parts = _SEGMENT_SPLIT.split(plain)
    wanted = _triggered_segments(plain, parts)
    segments = _essential_segments(plain, wanted, parts) if wanted else []
    joined = "\n".join(segments)
    # a licence counts whether it is essential or desirable (labelling guideline)
    driving = (
        any(word in plain for word in _DRIVING_WORDS) or _CAR_WORD.search(plain) is not None
    ) and bool(_DRIVING.search(plain) and not _NO_DRIVING.search(plain))
    category: str | None = None
    if driving:
        for match in _CATEGORY.finditer(plain):
            found = (match.group(1) or match.group(2) or "").upper()
            if found and found != "B":
                category = found
                break
        category = category or "B"
    dbs: str | None = None
    if any(word in plain for word in _DBS_WORDS):
        for match in _DBS.finditer(plain):
            window = plain[max(0, match.start() - 80) : match.end() + 80]
            level = _DBS_LEVEL.search(window)
            found = level.group(1).lower() if level else "standard"
            dbs = _higher(dbs, found, _DBS_LEVELS)
    english = maths = None
    for match in _ENGLISH.finditer(joined):
        english = _higher(english, _level_near(_line_at(joined, match.start()), _ENGLISH), _LEVELS)
    for match in _MATHS.finditer(joined):
        maths = _higher(maths, _level_near(_line_at(joined, match.start()), _MATHS), _LEVELS)
    registration: str | None = None
    for segment in segments:
        if not any(key in segment for key in _REG_KEYS):
            continue
        if entry_level_role and not _REG_STRONG.search(segment):
            continue
        for body, pattern in _REGULATORS:
            if pattern.search(segment):
                registration = body
                break
        if registration:
            break
    experience = False
    for match in _EXPERIENCE.finditer(joined):
        if _other_sense(joined, match):
            continue
        if _EXP_POSITIVE.search(_line_at(joined, match.start())):
            experience = not _EXP_NEGATIVE.search(plain)
            break
    return Requirements(
        driving_licence=driving,
        licence_category=category,
        dbs=dbs,
        english_level=english,
        maths_level=maths,
        registration=registration,
        experience_essential=experience,
    )


def _other_sense(text: str, match: re.Match[str]) -> bool:
    """True when the "experience" word at ``match`` is not about the candidate's experience."""
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[max(line_start, match.start() - 60) : match.start()]
    after = text[match.start() : match.end() + 60]
    return bool(_EXP_OTHER_SENSE.search(before + match.group()) or _EXP_OTHER_SENSE.search(after))


def _line_at(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def _higher(a: str | None, b: str | None, order: tuple[str, ...]) -> str | None:
    """The later of ``a`` and ``b`` in ``order`` (``a`` on a tie); ``None`` counts as lowest."""
    if a is None:
        return b
    if b is None:
        return a
    return a if order.index(a) >= order.index(b) else b
