"""Schemathesis over the gateway's own OpenAPI document, in embedded mode, as every role.

For each public operation and each role the gateway lets call it, Hypothesis (through
schemathesis) generates ``ROUTEWAY_FUZZ_EXAMPLES`` requests that follow the schema, as many
again with the path ids of real seeded records (so they reach past the 404), and as many that
break it (negative mode), sends them through the embedded gateway and checks every answer:

* no 5xx;
* the response conforms to the operation's schema (status documented, body valid);
* every 4xx/5xx is ``application/problem+json`` with ``type``, ``title``, ``status`` and the
  request id.

``make test`` runs a few examples per pair; ``make fuzz`` runs many more, with fresh random
seeds. The totals (requests, statuses) are printed at the end of the module (``-s``).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from gateway.policy import RULES, Rule
from tests.reliability.conftest import KEY_SCOPES, PROBLEM, Seeded

EXAMPLES = int(os.environ.get("ROUTEWAY_FUZZ_EXAMPLES", "4"))
RANDOM = os.environ.get("ROUTEWAY_FUZZ_RANDOM") == "1"  # make fuzz: new seeds each run
ROLES = ("admin", "adviser", "employer_hub", "jobseeker_app")
# erasures and revocations last, so the seeded records stay for every other operation
PAIRS = sorted(
    [(role, rule) for rule in RULES for role in ROLES if KEY_SCOPES[role][0] in rule.roles],
    key=lambda pair: pair[1].method == "DELETE",
)
TALLY: Counter[str] = Counter()


class ProblemExpected(Failure):
    """A 4xx/5xx answer that is not an RFC 9457 problem document."""

    code = "ST901"
    kind_title = "Error response is not problem+json"

    def __init__(self, operation: str, message: str) -> None:
        super().__init__(operation=operation, message=message)

    @property
    def _unique_key(self) -> str:
        return self.message


def problem_json_errors(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """Every error answer is ``application/problem+json`` carrying the request id."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    label = case.operation.label
    if not content_type.startswith(PROBLEM):
        raise ProblemExpected(label, f"{response.status_code} with content-type {content_type!r}")
    body = response.json()
    missing = [k for k in ("type", "title", "status", "request_id") if k not in body]
    if missing or body["status"] != response.status_code:
        raise ProblemExpected(label, f"problem document lacks {missing} or has the wrong status")
    return None


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    problem_json_errors,
]


@pytest.fixture(scope="module")
def fuzz_target(seeded_gateway: Seeded) -> Iterator[tuple[Seeded, Any]]:
    doc = seeded_gateway.client.get("/openapi.json").json()
    # the key goes in our own header; the authz table tests cover missing and bad keys
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    yield seeded_gateway, schemathesis.openapi.from_dict(doc, config=config)
    total = sum(v for k, v in TALLY.items() if k.startswith("status:"))
    print(f"\nschemathesis: {total} requests, {dict(sorted(TALLY.items()))}")


def _send(seeded: Seeded, case: Any, headers: dict[str, str]) -> Any:
    """Send ``case`` through the embedded gateway's test client; the response, for the checks."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif isinstance(kwargs.get("data"), bytes | str):
        body["content"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        body["data"] = kwargs["data"]
    if kwargs.get("files"):
        body["files"] = kwargs["files"]
    response = seeded.client.request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        headers=kwargs.get("headers"),
        **body,
    )
    TALLY[f"status:{response.status_code}"] += 1
    return response


def _fuzz(
    seeded: Seeded, schema: Any, rule: Rule, role: str, mode: GenerationMode, real_ids: bool
) -> None:
    operation = schema[rule.path][rule.method]
    fixed = {
        name: seeded.ids[name] for name in rule.regex.groupindex if name in seeded.ids and real_ids
    }
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)
    headers = seeded.headers(role)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = _send(seeded, case, headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


@pytest.mark.parametrize(
    ("role", "rule"), PAIRS, ids=[f"{role}-{r.method}-{r.path}" for role, r in PAIRS]
)
def test_operation_as_role(fuzz_target: tuple[Seeded, Any], role: str, rule: Rule) -> None:
    seeded, schema = fuzz_target
    has_ids = any(name in seeded.ids for name in rule.regex.groupindex)
    _fuzz(seeded, schema, rule, role, GenerationMode.POSITIVE, real_ids=False)
    if has_ids:
        _fuzz(seeded, schema, rule, role, GenerationMode.POSITIVE, real_ids=True)
    # Unsatisfiable: nothing in this operation's schema can be made invalid (no parameters, no body)
    with contextlib.suppress(Unsatisfiable):
        _fuzz(seeded, schema, rule, role, GenerationMode.NEGATIVE, real_ids=False)


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_open_endpoints(fuzz_target: tuple[Seeded, Any], path: str) -> None:
    seeded, schema = fuzz_target
    operation = schema[path]["GET"]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = _send(seeded, case, {})
        case.validate_response(response, checks=CHECKS)

    run()


class _Fake:
    """Just enough of a response and a case for the problem+json check."""

    def __init__(self, status: int, content_type: str, body: dict[str, Any]) -> None:
        self.status_code = status
        self.headers = {"content-type": [content_type]}
        self._body = body
        self.operation = type("Op", (), {"label": "GET /v1/x"})()

    def json(self) -> dict[str, Any]:
        return self._body


def test_the_problem_json_check_catches_what_it_should() -> None:
    good = {"type": "t", "title": "Not found", "status": 404, "request_id": "r"}
    problem_json_errors(None, _Fake(404, PROBLEM, good), _Fake(0, "", {}))  # type: ignore[arg-type]
    problem_json_errors(None, _Fake(200, "text/html", {}), _Fake(0, "", {}))  # type: ignore[arg-type]
    for response in (
        _Fake(404, "application/json", good),
        _Fake(404, "text/html", good),
        _Fake(404, PROBLEM, {**good, "status": 400}),
        _Fake(500, PROBLEM, {"type": "t", "title": "x", "status": 500}),
    ):
        with pytest.raises(ProblemExpected):
            problem_json_errors(None, response, _Fake(0, "", {}))  # type: ignore[arg-type]
