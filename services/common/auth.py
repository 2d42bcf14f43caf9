"""Who is calling, as the gateway tells the services behind it.

The gateway authenticates the API key and forwards the caller's identity in ``X-Routeway-*``
headers, signed with an HMAC of the deployment secret, so a service reached any other way sees
an anonymous caller. Services only read :class:`Caller`; they never see the key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "adviser", "employer_hub", "jobseeker_app"]
ROLES: tuple[Role, ...] = ("admin", "adviser", "employer_hub", "jobseeker_app")

ROLE_HEADER = "x-routeway-role"
OFFICE_HEADER = "x-routeway-office"
ORG_HEADER = "x-routeway-org"
KEY_ID_HEADER = "x-routeway-key-id"
SIGNATURE_HEADER = "x-routeway-signature"


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated caller: its role and the office or organisation it is bound to."""

    role: Role | None
    key_id: str | None = None
    office: str | None = None
    org: str | None = None

    @property
    def anonymous(self) -> bool:
        """True when no verified identity came with the request."""
        return self.role is None


ANONYMOUS = Caller(role=None)


def _signature(secret: str, role: str, key_id: str, office: str, org: str) -> str:
    message = "\n".join((role, key_id, office, org)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def identity_headers(caller: Caller, secret: str) -> dict[str, str]:
    """Headers carrying ``caller`` to a service, signed with ``secret``."""
    if caller.role is None:
        return {}
    role, key_id, office, org = (
        caller.role,
        caller.key_id or "",
        caller.office or "",
        caller.org or "",
    )
    return {
        ROLE_HEADER: role,
        KEY_ID_HEADER: key_id,
        OFFICE_HEADER: office,
        ORG_HEADER: org,
        SIGNATURE_HEADER: _signature(secret, role, key_id, office, org),
    }


def caller_from_headers(headers: dict[str, str], secret: str) -> Caller:
    """The caller the gateway vouched for, or ``ANONYMOUS`` when the signature is missing or wrong."""
    role = headers.get(ROLE_HEADER, "")
    if role not in ROLES:
        return ANONYMOUS
    key_id = headers.get(KEY_ID_HEADER, "")
    office = headers.get(OFFICE_HEADER, "")
    org = headers.get(ORG_HEADER, "")
    expected = _signature(secret, role, key_id, office, org)
    if not hmac.compare_digest(expected, headers.get(SIGNATURE_HEADER, "")):
        return ANONYMOUS
    return Caller(role=role, key_id=key_id or None, office=office or None, org=org or None)
