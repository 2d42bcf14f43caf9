"""Request and response shapes of the gateway's own endpoints (keys, audit)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.common.auth import Role


class KeyCreate(BaseModel):
    """A new key: its role, and the office or organisation it is bound to."""

    role: Role
    office: str | None = Field(default=None, max_length=64, examples=["Birmingham-Five-Ways"])
    org: str | None = Field(default=None, max_length=128, examples=["black-country-care-hub"])
    label: str | None = Field(default=None, max_length=128)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class KeyPublic(BaseModel):
    """A key as listed: never its secret or hash."""

    id: str
    role: str
    office: str | None
    org: str | None
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class KeyIssued(KeyPublic):
    """A key just made: ``key`` is shown this once."""

    key: str


class AuditEventPublic(BaseModel):
    """One audit row."""

    id: int
    at: datetime
    key_id: str | None
    role: str | None
    office: str | None
    org: str | None
    method: str
    path: str
    action: str
    status: int
    request_id: str | None
