"""Routes only: parse, call the service module, return."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from services.common.deps import PageDep, SessionDep, SettingsDep
from services.common.ingest_api import FEED_BODY, IngestMode, IngestRunPublic, ingest_upload
from services.common.ingest_runs import get_run
from services.common.pagination import Page
from services.vacancies import service
from services.vacancies.adapters import csv_template
from services.vacancies.deps import AdminDep, AnyCallerDep
from services.vacancies.schemas import IngestFormat, Sector, VacancyDetail, VacancyPublic

router = APIRouter(prefix="/v1")


@router.post(
    "/ingest/vacancies",
    response_model=IngestRunPublic,
    tags=["ingestion"],
    openapi_extra=FEED_BODY,
    responses={400: {"description": "The feed as a whole cannot be read."}},
)
async def ingest_vacancies(
    request: Request,
    _caller: AdminDep,
    source: Annotated[str, Query(min_length=1, max_length=64, examples=["nhs-jobs"])],
    format: Annotated[IngestFormat, Query(description="How to read the body.")],
    mode: Annotated[
        IngestMode, Query(description="`snapshot` closes open vacancies missing from the feed.")
    ] = "delta",
) -> IngestRunPublic:
    """Ingest a vacancy feed: upsert by (source, external id), skip unchanged, reject bad records with their position."""
    service.check_source(source)
    engine = request.app.state.engine
    return await ingest_upload(
        request,
        format,
        lambda body: service.ingest_feed(engine, body, source=source, format=format, mode=mode),
    )


@router.get("/ingest/runs/{run_id}", response_model=IngestRunPublic, tags=["ingestion"])
def get_ingest_run(run_id: str, request: Request, _caller: AdminDep) -> IngestRunPublic:
    """An ingest run: its status, counts so far and rejects."""
    return IngestRunPublic.model_validate(get_run(request.app.state.engine, run_id).public())


@router.get(
    "/ingest/templates/vacancies.csv",
    response_class=PlainTextResponse,
    tags=["ingestion"],
    responses={200: {"content": {"text/csv": {}}}},
)
def vacancies_csv_template(_caller: AnyCallerDep) -> PlainTextResponse:
    """The CSV upload template: the documented header and one example row."""
    return PlainTextResponse(
        csv_template(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="vacancies.csv"'},
    )


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
