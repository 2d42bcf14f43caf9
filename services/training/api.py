"""Routes only: parse, call the service module, return."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.common.deps import PageDep, SessionDep, SettingsDep
from services.common.pagination import Page
from services.training import service
from services.training.deps import AnyCallerDep
from services.training.schemas import (
    CourseDetail,
    CoursePublic,
    PresentationPublic,
    ProviderPublic,
    ProviderRef,
)

router = APIRouter(prefix="/v1")

QualificationType = Annotated[
    str | None,
    Query(
        pattern="^(esol|functional_skills|care_certificate|diploma|certificate|award|apprenticeship|short_course|degree|other)$"
    ),
]


@router.get("/courses", response_model=Page[CoursePublic], tags=["training"])
def list_courses(
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    _caller: AnyCallerDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in the title or subject.")
    ] = None,
    skill: Annotated[
        list[str] | None, Query(max_length=20, description="Skill ids taught (all must match).")
    ] = None,
    role: Annotated[
        str | None, Query(max_length=64, examples=["healthcare-support-worker"])
    ] = None,
    qualification_type: QualificationType = None,
    min_level: Annotated[int | None, Query(ge=0, le=8)] = None,
    max_level: Annotated[int | None, Query(ge=0, le=8)] = None,
    mode: Annotated[str | None, Query(pattern="^(classroom|online|blended|work_based)$")] = None,
    attendance: Annotated[str | None, Query(pattern="^(daytime|evening|weekend|flexible)$")] = None,
    funded_only: bool = False,
    near: Annotated[
        str | None, Query(max_length=10, description="UK postcode or outward code.")
    ] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=service.MAX_RADIUS_KM)] = None,
    starts_before: date | None = None,
    provider_id: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[CoursePublic]:
    """Search the catalogue; nearest first with `near`, else soonest start first."""
    filters = service.CourseFilters(
        q=q,
        skills=tuple(skill or ()),
        role=role,
        qualification_type=qualification_type,
        min_level=min_level,
        max_level=max_level,
        mode=mode,
        attendance=attendance,
        funded_only=funded_only,
        near=near,
        radius_km=radius_km,
        starts_before=starts_before,
        provider_id=provider_id,
    )
    rows, nxt = service.search(
        session, filters, limit=page.limit, cursor=page.cursor, secret=settings.secret_key
    )
    starts = service.start_dates(session, [c.id for c, _, _ in rows])
    return Page(items=[_public(c, p, starts.get(c.id, []), d) for c, p, d in rows], next_cursor=nxt)


@router.get("/courses/{course_id}", response_model=CourseDetail, tags=["training"])
def get_course(course_id: str, session: SessionDep, _caller: AnyCallerDep) -> CourseDetail:
    """One course with its provider, description and every presentation."""
    course, provider, presentations = service.get_course(session, course_id)
    starts = sorted({p.start_date for p in presentations if p.start_date})
    base = _public(course, provider, starts, None)
    return CourseDetail(
        **base.model_dump(),
        description=course.description,
        presentations=[PresentationPublic.model_validate(p) for p in presentations],
        updated_at=course.updated_at,
    )


@router.get("/providers", response_model=Page[ProviderPublic], tags=["training"])
def list_providers(
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    _caller: AnyCallerDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[
        str | None,
        Query(
            pattern="^(fe_college|university|independent_training_provider|employer|local_authority|other)$"
        ),
    ] = None,
) -> Page[ProviderPublic]:
    """Training providers by name."""
    rows, nxt = service.list_providers(
        session, q=q, type=type, limit=page.limit, cursor=page.cursor, secret=settings.secret_key
    )
    return Page(items=[ProviderPublic.model_validate(p) for p in rows], next_cursor=nxt)


@router.get("/providers/{provider_id}", response_model=ProviderPublic, tags=["training"])
def get_provider(provider_id: str, session: SessionDep, _caller: AnyCallerDep) -> ProviderPublic:
    """One training provider."""
    return ProviderPublic.model_validate(service.get_provider(session, provider_id))


def _public(
    course: service.Course, provider: service.Provider, starts: list[date], distance: float | None
) -> CoursePublic:
    body = course.model_dump(
        exclude={"description", "provider_id", "content_hash", "created_at", "updated_at"}
    )
    return CoursePublic(
        **body,
        provider=ProviderRef(id=provider.id, name=provider.name, type=provider.type),
        start_dates=starts,
        distance_km=distance,
    )
