"""The gateway's one table of public endpoints: which service answers, who may call, what is audited.

Routing, authorisation, audit and the endpoint-by-role table in docs/SECURITY.md all read
``RULES``, so they cannot drift apart. A path pattern's ``{name}`` matches one path segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from services.common.auth import ROLES, Role

ALL: tuple[Role, ...] = ROLES
ADMIN: tuple[Role, ...] = ("admin",)
ADVISER: tuple[Role, ...] = ("admin", "adviser")
MATCHERS: tuple[Role, ...] = ("admin", "adviser", "jobseeker_app")
SHORTLISTERS: tuple[Role, ...] = ("admin", "adviser", "employer_hub")


@dataclass(frozen=True)
class Rule:
    """One public endpoint."""

    method: str
    path: str
    service: str
    roles: tuple[Role, ...]
    audit: str | None = None  # action name when the call touches personal data or is admin work

    @cached_property
    def regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{pattern}$")


RULES: tuple[Rule, ...] = (
    # ingestion (feed operators)
    Rule("POST", "/v1/ingest/vacancies", "vacancies", ADMIN, "ingest.vacancies"),
    Rule("POST", "/v1/ingest/courses", "training", ADMIN, "ingest.courses"),
    Rule("GET", "/v1/ingest/runs/{run_id}", "ingest-runs", ADMIN),
    Rule("GET", "/v1/ingest/templates/vacancies.csv", "vacancies", ALL),
    Rule("GET", "/v1/ingest/templates/courses.csv", "training", ALL),
    # vacancies
    Rule("GET", "/v1/vacancies", "vacancies", ALL),
    Rule("GET", "/v1/vacancies/{vacancy_id}", "vacancies", ALL),
    Rule("GET", "/v1/vacancies/{vacancy_id}/shortlist", "matching", SHORTLISTERS, "shortlist.read"),
    # training
    Rule("GET", "/v1/courses", "training", ALL),
    Rule("GET", "/v1/courses/{course_id}", "training", ALL),
    Rule("GET", "/v1/providers", "training", ALL),
    Rule("GET", "/v1/providers/{provider_id}", "training", ALL),
    # taxonomy
    Rule("GET", "/v1/skills", "matching", ALL),
    Rule("POST", "/v1/skills/extract", "matching", ALL),
    Rule("GET", "/v1/roles", "matching", ALL),
    Rule("GET", "/v1/roles/{role_id}", "matching", ALL),
    Rule("GET", "/v1/roles/{role_id}/progression", "matching", ALL),
    # matching
    Rule("POST", "/v1/match", "matching", MATCHERS),
    Rule("POST", "/v1/routes", "matching", MATCHERS),
    Rule("GET", "/v1/jobseekers", "matching", ADVISER, "jobseeker.list"),
    Rule("POST", "/v1/jobseekers", "matching", ADVISER, "jobseeker.create"),
    Rule("GET", "/v1/jobseekers/{jobseeker_id}", "matching", ADVISER, "jobseeker.read"),
    Rule("PATCH", "/v1/jobseekers/{jobseeker_id}", "matching", ADVISER, "jobseeker.update"),
    Rule("DELETE", "/v1/jobseekers/{jobseeker_id}", "matching", ADVISER, "jobseeker.erase"),
    Rule("GET", "/v1/jobseekers/{jobseeker_id}/matches", "matching", ADVISER, "jobseeker.matches"),
    Rule("GET", "/v1/referrals", "matching", ADVISER, "referral.list"),
    Rule("POST", "/v1/referrals", "matching", ADVISER, "referral.create"),
    Rule("PATCH", "/v1/referrals/{referral_id}", "matching", ADVISER, "referral.update"),
    Rule("GET", "/v1/reports/skills-gap", "matching", SHORTLISTERS),
    # the gateway's own
    Rule("GET", "/v1/keys", "gateway", ADMIN, "keys.list"),
    Rule("POST", "/v1/keys", "gateway", ADMIN, "keys.create"),
    Rule("DELETE", "/v1/keys/{key_id}", "gateway", ADMIN, "keys.revoke"),
    Rule("GET", "/v1/audit", "gateway", ADMIN, "audit.read"),
)


@dataclass(frozen=True)
class Resolution:
    """What the table says about one request: the rule, or which methods the path allows."""

    rule: Rule | None
    params: dict[str, str]
    allowed_methods: tuple[str, ...]


def resolve(method: str, path: str) -> Resolution:
    """Find the rule for ``method path``; a known path with another method lists what is allowed."""
    allowed: list[str] = []
    for rule in RULES:
        match = rule.regex.match(path)
        if match is None:
            continue
        if rule.method == method or (method == "HEAD" and rule.method == "GET"):
            return Resolution(rule, match.groupdict(), ())
        allowed.append(rule.method)
    return Resolution(None, {}, tuple(allowed))


RUN_PREFIXES = {"vrun_": "vacancies", "crun_": "training"}


def service_for(rule: Rule, params: dict[str, str]) -> str | None:
    """The service that answers ``rule`` (ingest runs are routed by their id's prefix)."""
    if rule.service != "ingest-runs":
        return rule.service
    run_id = params.get("run_id", "")
    return next((svc for prefix, svc in RUN_PREFIXES.items() if run_id.startswith(prefix)), None)
