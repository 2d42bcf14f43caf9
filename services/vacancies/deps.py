"""Dependencies of the vacancies routes."""

from __future__ import annotations

from services.common.roles import AdminDep, AnyCallerDep

__all__ = ["AdminDep", "AnyCallerDep"]
