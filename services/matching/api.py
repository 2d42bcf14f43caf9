"""Routes only: parse, call the service modules, return."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Request

from services.common.auth import Caller
from services.common.deps import PageDep, SettingsDep
from services.common.errors import InvalidInput
from services.common.pagination import Page, decode_cursor, encode_cursor
from services.common.roles import AnyCallerDep, require_roles
from services.matching import match_service, taxonomy_service
from services.matching.indexer import IndexKeeper
from services.matching.schemas import (
    ExtractRequest,
    ExtractResponse,
    MatchRequest,
    MatchResponse,
    RolePublic,
    RouteRequest,
    RouteResponse,
    SkillPublic,
)

router = APIRouter(prefix="/v1")
MatcherDep = Annotated[Caller, Depends(require_roles("admin", "adviser", "jobseeker_app"))]


def _after_id(cursor: str | None, secret: str) -> str | None:
    if cursor is None:
        return None
    (last,) = decode_cursor(cursor, secret, 1)
    if not isinstance(last, str):
        raise InvalidInput("The cursor is not valid: use `next_cursor` from a previous page.")
    return last


@router.get("/skills", response_model=Page[SkillPublic], tags=["taxonomy"])
def list_skills(
    settings: SettingsDep,
    page: PageDep,
    _caller: AnyCallerDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Words to match labels against; best first.")
    ] = None,
    group: Annotated[str | None, Query(max_length=40, examples=["personal_care"])] = None,
) -> Page[SkillPublic]:
    """Skills of the taxonomy, best matches first with `q`, else by id."""
    skills, more = taxonomy_service.list_skills(
        q=q, group=group, after_id=_after_id(page.cursor, settings.secret_key), limit=page.limit
    )
    nxt = encode_cursor([skills[-1].id], settings.secret_key) if more and skills else None
    return Page(items=[taxonomy_service.skill_public(s) for s in skills], next_cursor=nxt)


@router.post("/skills/extract", response_model=ExtractResponse, tags=["taxonomy"])
async def extract_skills(body: ExtractRequest, _caller: AnyCallerDep) -> ExtractResponse:
    """Skills with evidence spans, the role with a confidence, and stated requirements of a text."""
    return await anyio.to_thread.run_sync(taxonomy_service.extract_text, body)


@router.get("/roles", response_model=Page[RolePublic], tags=["taxonomy"])
def list_roles(
    settings: SettingsDep,
    page: PageDep,
    _caller: AnyCallerDep,
    sector: Annotated[str | None, Query(pattern="^(nhs|social_care)$")] = None,
    entry_level: bool | None = None,
) -> Page[RolePublic]:
    """Role profiles: entry-level roles of NHS and social care and the steps above them."""
    roles, more = taxonomy_service.list_roles(
        sector=sector,
        entry_level=entry_level,
        after_id=_after_id(page.cursor, settings.secret_key),
        limit=page.limit,
    )
    nxt = encode_cursor([roles[-1].id], settings.secret_key) if more and roles else None
    return Page(items=[taxonomy_service.role_public(r) for r in roles], next_cursor=nxt)


@router.get("/roles/{role_id}", response_model=RolePublic, tags=["taxonomy"])
def get_role(role_id: str, _caller: AnyCallerDep) -> RolePublic:
    """One role profile: SOC code, band, skills, requirements, apprenticeship standard, progression."""
    return taxonomy_service.role_public(taxonomy_service.get_role(role_id))


def _keeper(request: Request) -> IndexKeeper:
    keeper: IndexKeeper = request.app.state.index_keeper
    return keeper


@router.post("/match", response_model=MatchResponse, tags=["matching"])
async def match(body: MatchRequest, request: Request, _caller: MatcherDep) -> MatchResponse:
    """Vacancies a profile can apply for now, and those reachable after training with the route there; nothing is stored."""
    keeper = _keeper(request)
    await keeper.wait_ready()
    profile = await anyio.to_thread.run_sync(match_service.to_profile, body)
    return await anyio.to_thread.run_sync(
        lambda: keeper.read(lambda index: match_service.match(index, body, profile))
    )


@router.post("/routes", response_model=RouteResponse, tags=["matching"])
async def plan_route(body: RouteRequest, request: Request, _caller: MatcherDep) -> RouteResponse:
    """The training route from a profile to a role: courses in order, dates, weeks, cost, and what no course covers."""
    keeper = _keeper(request)
    await keeper.wait_ready()
    role = taxonomy_service.get_role(body.role)
    profile = await anyio.to_thread.run_sync(
        lambda: match_service.to_profile(body.profile, "body.profile")
    )
    return await anyio.to_thread.run_sync(
        lambda: keeper.read(lambda index: match_service.route_to_role(index, role, profile))
    )
