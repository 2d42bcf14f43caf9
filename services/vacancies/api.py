"""Routes only: parse, call the service module, return."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.common.deps import PageDep, SessionDep, SettingsDep
from services.common.pagination import Page
from services.vacancies import service
from services.vacancies.deps import AnyCallerDep
from services.vacancies.schemas import Sector, VacancyDetail, VacancyPublic

router = APIRouter(prefix="/v1")


@router.get("/vacancies", response_model=Page[VacancyPublic], tags=["vacancies"])
def list_vacancies(
    session: SessionDep,
    settings: SettingsDep,
    page: PageDep,
    _caller: AnyCallerDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Words in the title or employer.")
    ] = None,
    role: Annotated[
        str | None, Query(max_length=64, examples=["healthcare-support-worker"])
    ] = None,
    sector: Sector | None = None,
    region: Annotated[str | None, Query(max_length=64, examples=["West Midlands"])] = None,
    band: Annotated[str | None, Query(max_length=8, examples=["3"])] = None,
    entry_level: bool | None = None,
    status: Annotated[str, Query(pattern="^(open|closed|all)$")] = "open",
    near: Annotated[
        str | None,
        Query(max_length=10, description="UK postcode or outward code.", examples=["B15 2TT"]),
    ] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=service.MAX_RADIUS_KM)] = None,
    closing_after: date | None = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[VacancyPublic]:
    """Search vacancies; nearest first with `near`, else newest first."""
    filters = service.VacancyFilters(
        q=q,
        role=role,
        sector=sector,
        region=region,
        band=band,
        entry_level=entry_level,
        status=status,
        near=near,
        radius_km=radius_km,
        closing_after=closing_after,
        source=source,
    )
    rows, nxt = service.search(
        session, filters, limit=page.limit, cursor=page.cursor, secret=settings.secret_key
    )
    return Page(items=[_public(v, d) for v, d in rows], next_cursor=nxt)


@router.get("/vacancies/{vacancy_id}", response_model=VacancyDetail, tags=["vacancies"])
def get_vacancy(vacancy_id: str, session: SessionDep, _caller: AnyCallerDep) -> VacancyDetail:
    """One vacancy, with its full text and extracted skills."""
    v = service.get_vacancy(session, vacancy_id)
    return VacancyDetail.model_validate(
        {**v.model_dump(), "status": service.effective_status(v), "skills": v.skills}
    )


def _public(v: service.Vacancy, distance: float | None) -> VacancyPublic:
    body = v.model_dump(exclude={"description"})
    body.update(status=service.effective_status(v), distance_km=distance)
    return VacancyPublic.model_validate(body)
