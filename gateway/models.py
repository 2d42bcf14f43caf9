"""The gateway's own tables: API keys (hashes only) and the append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from services.common.models import UTCDateTime, utcnow


class ApiKey(SQLModel, table=True):
    """An API key: the secret part is stored only as a salted hash."""

    __tablename__ = "api_key"

    id: str = Field(primary_key=True, max_length=32)
    salt: str = Field(max_length=64)
    hash: str = Field(max_length=128)
    role: str = Field(max_length=32, index=True)
    office: str | None = Field(default=None, max_length=64)
    org: str | None = Field(default=None, max_length=128)
    label: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    expires_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class AuditEvent(SQLModel, table=True):
    """One access to personal data or one admin action; rows are only ever inserted."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(UTCDateTime(), nullable=False, index=True),
    )
    key_id: str | None = Field(default=None, max_length=32, index=True)
    role: str | None = Field(default=None, max_length=32)
    office: str | None = Field(default=None, max_length=64)
    org: str | None = Field(default=None, max_length=128)
    method: str = Field(max_length=8)
    path: str = Field(max_length=512)
    action: str = Field(max_length=64, index=True)
    status: int
    request_id: str | None = Field(default=None, max_length=128)
