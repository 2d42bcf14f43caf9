"""Routes only: jobseekers, their matches, shortlists, referrals, the skills-gap report and
career progression. Parse, call the service modules, return.

Routes are plain ``def`` (the database work and the vectorised scoring run in the worker
thread pool, off the event loop); a route needing an in-memory index waits for its first
build with ``anyio.from_thread``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import anyio.from_thread
from fastapi import APIRouter, Depends, Query, Request

from services.common import geo
from services.common.auth import Caller
from services.common.deps import PageDep, SessionDep, SettingsDep
from services.common.errors import Forbidden, InvalidInput, NotFound, ValidationFailed
from services.common.pagination import Page, decode_cursor, encode_cursor
from services.common.roles import require_roles
from services.matching import match_service, people_service, referrals, skills_gap
from services.matching.engine import MatchIndex
from services.matching.indexer import IndexKeeper
from services.matching.people_keeper import PeopleKeeper
from services.matching.people_schemas import (
    ErasedCounts,
    ErasureReceipt,
    JobseekerCreate,
    JobseekerPublic,
    JobseekerUpdate,
    ProgressionResponse,
    ReferralCreate,
    ReferralPublic,
    ReferralStatus,
    ReferralUpdate,
    ShortlistItemOut,
    ShortlistPage,
    SkillsGapReport,
)
from services.matching.progression import progression
from services.matching.schemas import MatchRequest, MatchResponse, MissingSkillOut, PartsOut
from services.matching.shortlist import ShortlistItem, ShortlistResult, shortlist, vacancy_view
from services.matching.taxonomy_service import get_role
from services.taxonomy import load_taxonomy

router = APIRouter(prefix="/v1")

AdviserDep = Annotated[Caller, Depends(require_roles("admin", "adviser"))]
ShortlisterDep = Annotated[Caller, Depends(require_roles("admin", "adviser", "employer_hub"))]
AnyCallerDep = Annotated[
    Caller, Depends(require_roles("admin", "adviser", "employer_hub", "jobseeker_app"))
]
RegionQuery = Annotated[
    str | None, Query(max_length=64, description="ONS region.", examples=["West Midlands"])
]


def _people(request: Request) -> PeopleKeeper:
    keeper: PeopleKeeper = request.app.state.people
    if not keeper.ready.is_set():  # a flag read; waiting needs the event loop
        anyio.from_thread.run(keeper.wait_ready)
    return keeper


def _matcher(request: Request) -> IndexKeeper:
    keeper: IndexKeeper = request.app.state.index_keeper
    if not keeper.ready.is_set():
        anyio.from_thread.run(keeper.wait_ready)
    return keeper


def _check_region(region: str | None) -> str | None:
    if region is not None and region not in geo.REGIONS:
        raise ValidationFailed(
            f"Unknown region {region!r}.",
            [
                {
                    "field": "query.region",
                    "message": f"one of: {', '.join(geo.REGIONS)}",
                    "type": "value_error",
                }
            ],
        )
    return region


# --- jobseekers ---------------------------------------------------------------------------


@router.post("/jobseekers", response_model=JobseekerPublic, status_code=201, tags=["jobseekers"])
def create_jobseeker(
    body: JobseekerCreate, session: SessionDep, caller: AdviserDep, request: Request
) -> JobseekerPublic:
    """Add a jobseeker to your office's caseload; skills may come from CV text, with evidence."""
    office = people_service.office_for_new(caller, body.office)
    people = _people(request)
    row = people_service.create_jobseeker(session, office=office, body=body, index=people.index)
    return people_service.jobseeker_public(row)


@router.get("/jobseekers", response_model=Page[JobseekerPublic], tags=["jobseekers"])
def list_jobseekers(
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    caller: AdviserDep,
    consent_to_share: bool | None = None,
    young_person: bool | None = None,
    long_term_unemployed: bool | None = None,
    most_deprived_area: bool | None = None,
    region: RegionQuery = None,
    skill: Annotated[str | None, Query(max_length=64, examples=["personal-care"])] = None,
) -> Page[JobseekerPublic]:
    """Your office's caseload, newest first, filtered by consent, priority flags, region or skill."""
    filters = people_service.JobseekerFilters(
        consent_to_share=consent_to_share,
        young_person=young_person,
        long_term_unemployed=long_term_unemployed,
        most_deprived_area=most_deprived_area,
        region=_check_region(region),
        skill=skill,
    )
    rows, nxt = people_service.list_jobseekers(
        session,
        office=people_service.office_scope(caller),
        filters=filters,
        limit=page.limit,
        cursor=page.cursor,
        secret=settings.secret_key,
    )
    return Page(items=[people_service.jobseeker_public(r) for r in rows], next_cursor=nxt)


@router.get("/jobseekers/{jobseeker_id}", response_model=JobseekerPublic, tags=["jobseekers"])
def get_jobseeker(jobseeker_id: str, session: SessionDep, caller: AdviserDep) -> JobseekerPublic:
    """One jobseeker of your office (another office's is a 404, as if it did not exist)."""
    row = people_service.get_jobseeker(session, jobseeker_id, people_service.office_scope(caller))
    return people_service.jobseeker_public(row)


@router.patch("/jobseekers/{jobseeker_id}", response_model=JobseekerPublic, tags=["jobseekers"])
def update_jobseeker(
    jobseeker_id: str,
    body: JobseekerUpdate,
    session: SessionDep,
    caller: AdviserDep,
    request: Request,
) -> JobseekerPublic:
    """Change a jobseeker's profile or consent; place, flags and CV skills follow."""
    row = people_service.get_jobseeker(session, jobseeker_id, people_service.office_scope(caller))
    people = _people(request)
    row = people_service.update_jobseeker(
        session, row, body, index=people.index, cache=people.cache
    )
    return people_service.jobseeker_public(row)


@router.delete("/jobseekers/{jobseeker_id}", response_model=ErasureReceipt, tags=["jobseekers"])
def erase_jobseeker(
    jobseeker_id: str, session: SessionDep, caller: AdviserDep, request: Request
) -> ErasureReceipt:
    """Erase a jobseeker and everything derived from them: referrals, cached matches, index entries."""
    row = people_service.get_jobseeker(session, jobseeker_id, people_service.office_scope(caller))
    people = _people(request)
    in_index = int(jobseeker_id in people.index)
    cached = people.cache.count(jobseeker_id)
    profile = people_service.profile_of(row)
    erasure = people_service.erase_jobseeker(session, row, index=people.index, cache=people.cache)
    # routes remembered for this person's facts (held as a digest) go too; best effort, as
    # plans for the same facts are shared with anyone who has them
    _matcher(request).read(lambda index: index.forget_routes(profile))
    return ErasureReceipt(
        id=erasure.jobseeker_id,
        erased=ErasedCounts(
            jobseeker=1,
            referrals=erasure.referrals,
            index_entries=in_index,
            cached_matches=cached,
        ),
        erased_at=erasure.erased_at,
    )


@router.get("/jobseekers/{jobseeker_id}/matches", response_model=MatchResponse, tags=["jobseekers"])
def jobseeker_matches(
    jobseeker_id: str,
    session: SessionDep,
    caller: AdviserDep,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    include_training: bool = True,
    include_unlock: bool = False,
) -> MatchResponse:
    """The jobseeker's matches, as `/v1/match` gives them for their stored profile."""
    row = people_service.get_jobseeker(session, jobseeker_id, people_service.office_scope(caller))
    people = _people(request)
    key = (row.id, row.version, limit, include_training, include_unlock)
    cached = people.cache.get(key)
    if cached is not None:
        return cached
    matcher = _matcher(request)
    body = MatchRequest.model_validate(
        {
            "skills": [s["id"] for s in row.skills],
            "english_level": row.english_level,
            "maths_level": row.maths_level,
            "qualifications": list(row.qualifications),
            "driving_licence": row.driving_licence,
            "postcode": row.postcode_district,
            "max_travel_km": row.max_travel_km,
            "hours_per_week": row.hours_per_week,
            "patterns": list(row.patterns),
            "available_from": row.available_from,
            "age": row.age,
            "limit": limit,
            "include_training": include_training,
            "include_unlock": include_unlock,
        }
    )
    profile = people_service.profile_of(row)
    response = matcher.read(lambda index: match_service.match(index, body, profile))
    people.cache.put(key, response)
    return response


# --- shortlists ---------------------------------------------------------------------------


def _shortlist_after(cursor: str | None, secret: str) -> tuple[float, str] | None:
    if cursor is None:
        return None
    score, ref = decode_cursor(cursor, secret, 2)
    if not isinstance(score, int | float) or not isinstance(ref, str):
        raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
    return float(score), ref


def _item_out(item: ShortlistItem, caller: Caller) -> ShortlistItemOut:
    candidate = item.candidate
    own = caller.role == "adviser" and caller.office == candidate.office
    return ShortlistItemOut(
        candidate_ref=candidate.ref,
        score=round(candidate.score, 4),
        parts=PartsOut(**candidate.parts),
        distance_km=round(candidate.distance_km, 2),
        missing_skills=[
            MissingSkillOut(id=s, label=load_taxonomy().skill_label(s), essential=e)
            for s, e in candidate.missing_skills
        ],
        ready=item.ready,
        route=match_service.route_out(item.route) if item.route else None,
        jobseeker_id=candidate.jobseeker_id if own else None,
    )


@router.get("/vacancies/{vacancy_id}/shortlist", response_model=ShortlistPage, tags=["shortlists"])
def vacancy_shortlist(
    vacancy_id: str,
    request: Request,
    settings: SettingsDep,
    page: PageDep,
    caller: ShortlisterDep,
    ready: Annotated[
        Literal["any", "now"], Query(description="`now`: only people ready today.")
    ] = "any",
) -> ShortlistPage:
    """Consenting jobseekers ranked for an open vacancy, pseudonymised: score, parts, gap, route."""
    if caller.role == "employer_hub" and not caller.org:
        raise Forbidden("This employer hub key is not bound to an organisation.")
    if caller.role == "adviser":
        people_service.office_scope(caller)
    after = _shortlist_after(page.cursor, settings.secret_key)
    people = _people(request)
    matcher = _matcher(request)
    today = date.today()

    def run(index: MatchIndex) -> tuple[ShortlistResult, tuple[float, str] | None]:
        view = vacancy_view(index, vacancy_id, today)
        if view is None:
            raise NotFound(f"No open vacancy {vacancy_id!r}.")
        return shortlist(
            index,
            people.index,
            view,
            key=people.key,
            limit=page.limit,
            after=after,
            today=today,
            now_only=ready == "now",
        )

    result, next_after = matcher.read(run)
    return ShortlistPage(
        vacancy_id=vacancy_id,
        items=[_item_out(item, caller) for item in result.items],
        next_cursor=encode_cursor(list(next_after), settings.secret_key) if next_after else None,
    )


# --- referrals ----------------------------------------------------------------------------


@router.post("/referrals", response_model=ReferralPublic, status_code=201, tags=["referrals"])
def create_referral(
    body: ReferralCreate, session: SessionDep, caller: AdviserDep, request: Request
) -> ReferralPublic:
    """Refer one of your jobseekers to an open vacancy or a course."""
    jobseeker = people_service.get_jobseeker(
        session, body.jobseeker_id, people_service.office_scope(caller)
    )
    matcher = _matcher(request)
    today = date.today()
    if body.vacancy_id is not None:
        vacancy_id = body.vacancy_id
        target = matcher.read(lambda index: referrals.vacancy_target(index, vacancy_id, today))
        missing = f"No open vacancy {vacancy_id!r}."
    else:
        course_id = body.course_id or ""
        target = matcher.read(lambda index: referrals.course_target(index, course_id))
        missing = f"No course {course_id!r}."
    if target is None:
        raise NotFound(missing)
    referral = referrals.create_referral(session, jobseeker=jobseeker, body=body, target=target)
    return referrals.referral_public(referral)


@router.patch("/referrals/{referral_id}", response_model=ReferralPublic, tags=["referrals"])
def update_referral(
    referral_id: str, body: ReferralUpdate, session: SessionDep, caller: AdviserDep
) -> ReferralPublic:
    """Record a referral's next step; a move the flow does not allow is a 409 naming the allowed ones."""
    referral = referrals.get_referral(session, referral_id, people_service.office_scope(caller))
    return referrals.referral_public(referrals.update_referral(session, referral, body.status))


@router.get("/referrals", response_model=Page[ReferralPublic], tags=["referrals"])
def list_referrals(
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    caller: AdviserDep,
    jobseeker_id: Annotated[str | None, Query(max_length=40)] = None,
    vacancy_id: Annotated[str | None, Query(max_length=64)] = None,
    status: ReferralStatus | None = None,
) -> Page[ReferralPublic]:
    """Your office's referrals, newest first, by jobseeker, vacancy or status."""
    rows, nxt = referrals.list_referrals(
        session,
        office=people_service.office_scope(caller),
        jobseeker_id=jobseeker_id,
        vacancy_id=vacancy_id,
        status=status,
        limit=page.limit,
        cursor=page.cursor,
        secret=settings.secret_key,
    )
    return Page(items=[referrals.referral_public(r) for r in rows], next_cursor=nxt)


# --- reports and progression ----------------------------------------------------------------


@router.get("/reports/skills-gap", response_model=SkillsGapReport, tags=["reports"])
def skills_gap_report(
    session: SessionDep, request: Request, _caller: ShortlisterDep, region: RegionQuery = None
) -> SkillsGapReport:
    """Per role in a region: open vacancies, course starts in the next 90 days, jobseekers ready now and after training, referral outcomes."""
    region = _check_region(region)
    outcomes = referrals.referral_rows(session, region)
    people = _people(request)
    matcher = _matcher(request)
    today = date.today()
    catalogue = matcher.read(lambda index: skills_gap.catalogue_of(index, today))
    return skills_gap.skills_gap_report(
        catalogue=catalogue, people=people.index, referrals=outcomes, region=region, today=today
    )


@router.get("/roles/{role_id}/progression", response_model=ProgressionResponse, tags=["taxonomy"])
def role_progression(
    role_id: str,
    request: Request,
    _caller: AnyCallerDep,
    postcode: Annotated[
        str | None,
        Query(max_length=10, description="Where to look for courses; no route without it."),
    ] = None,
    max_travel_km: Annotated[float, Query(gt=0, le=200)] = 15.0,
) -> ProgressionResponse:
    """The next roles up from a role, what each adds, and the route there (in-work courses first)."""
    role = get_role(role_id)
    point = None
    if postcode is not None:
        place = people_service.place_of(postcode, "query.postcode")
        point = (place.lat, place.lon)
    matcher = _matcher(request)
    today = date.today()
    return matcher.read(
        lambda index: progression(
            index, role, point=point, max_travel_km=max_travel_km, today=today
        )
    )
