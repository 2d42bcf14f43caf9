"""API keys: made once, shown once, stored as a salted hash, compared in constant time.

A key reads ``rw_<id>_<secret>``: the id finds the row, the secret is checked against
``sha256(salt || secret)``. Keys are 256-bit random, so a fast hash with a per-key salt is
enough (no password stretching needed) and verification costs microseconds per request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from gateway.models import ApiKey
from services.common.auth import ROLES, Caller, Role
from services.common.errors import InvalidInput, NotFound
from services.common.models import utcnow

KEY_PREFIX = "rw_"


@dataclass(frozen=True)
class IssuedKey:
    """A key as issued: the plain key exists only in this object."""

    key: str
    record: ApiKey


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


def create_key(
    session: Session,
    *,
    role: str,
    office: str | None = None,
    org: str | None = None,
    label: str | None = None,
    expires_in: timedelta | None = None,
) -> IssuedKey:
    """Issue a key for ``role``; advisers need an office, employer hubs an organisation."""
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    if role == "adviser" and not office:
        raise InvalidInput("An adviser key must be bound to an office (--office).")
    if role == "employer_hub" and not org:
        raise InvalidInput("An employer_hub key must be bound to an organisation (--org).")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    record = ApiKey(
        id=key_id,
        salt=salt,
        hash=_hash(salt, secret),
        role=role,
        office=office if role == "adviser" else None,
        org=org if role == "employer_hub" else None,
        label=label,
        expires_at=utcnow() + expires_in if expires_in else None,
    )
    session.add(record)
    session.flush()
    return IssuedKey(key=f"{KEY_PREFIX}{key_id}_{secret}", record=record)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def verify_key(session: Session, presented: str) -> Caller | None:
    """The caller a presented key stands for, or ``None`` when it is unknown, revoked or expired."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 200:
        return None
    key_id, sep, secret = presented[len(KEY_PREFIX) :].partition("_")
    if not sep:
        return None
    record = session.get(ApiKey, key_id)
    if record is None:
        hmac.compare_digest("0" * 64, _hash("00" * 16, secret))  # same work either way
        return None
    if not hmac.compare_digest(record.hash, _hash(record.salt, secret)):
        return None
    now = utcnow()
    if record.revoked_at is not None or (
        record.expires_at is not None and _aware(record.expires_at) <= now
    ):
        return None
    role: Role = record.role  # type: ignore[assignment]
    return Caller(role=role, key_id=record.id, office=record.office, org=record.org)


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes included only in the row, never shown by the API)."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.created_at).desc())).all())


def revoke_key(session: Session, key_id: str) -> ApiKey:
    """Revoke ``key_id`` from now on."""
    record = session.get(ApiKey, key_id)
    if record is None:
        raise NotFound(f"No API key {key_id!r}.")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.flush()
    return record


def revoke_labelled(session: Session, label: str) -> int:
    """Revoke every live key carrying ``label`` (used to rotate the demo keys)."""
    rows = session.exec(
        select(ApiKey).where(ApiKey.label == label, col(ApiKey.revoked_at).is_(None))
    ).all()
    for row in rows:
        row.revoked_at = utcnow()
        session.add(row)
    session.flush()
    return len(rows)
