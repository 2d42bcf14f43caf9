"""A service's own check of the caller's role (the gateway checks first; this is the second lock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from services.common.auth import Caller, Role
from services.common.deps import get_caller
from services.common.errors import Forbidden, Unauthenticated


def require_roles(*roles: Role) -> Callable[[Request], Caller]:
    """A dependency admitting only callers the gateway vouched for with one of ``roles``."""

    def dependency(request: Request) -> Caller:
        caller = get_caller(request)
        if caller.anonymous:
            raise Unauthenticated()
        if caller.role not in roles:
            raise Forbidden(f"The {caller.role} role may not call this endpoint.")
        return caller

    return dependency


AdminDep = Annotated[Caller, Depends(require_roles("admin"))]
AnyCallerDep = Annotated[
    Caller, Depends(require_roles("admin", "adviser", "employer_hub", "jobseeker_app"))
]
