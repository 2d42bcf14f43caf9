"""Hostile input through the public gateway: each gets a clear 4xx problem+json (or, for a
feed, the hostile records rejected) and leaves every stored row as it was.

Rows are counted in every service database before and after each attempt
(``Seeded.row_counts``). The free-text filters, numeric parameters and cursors are found in the
gateway's OpenAPI document, so a filter added later is attacked without touching this file.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.reliability.conftest import INGEST_LIMIT, PROBLEM, Seeded, advert

# --- helpers -------------------------------------------------------------------------------


def assert_problem(response: Any, *statuses: int) -> dict[str, Any]:
    """``response`` is one of ``statuses`` (4xx) as a complete problem document."""
    where = f"{response.request.method} {response.request.url}"[:300]
    assert response.status_code in statuses, (where, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith(PROBLEM), response.headers["content-type"]
    problem: dict[str, Any] = response.json()
    assert problem["status"] == response.status_code
    assert problem["type"] and problem["title"] and problem["request_id"]
    return problem


@pytest.fixture(scope="module")
def api(seeded_gateway: Seeded) -> Seeded:
    return seeded_gateway


@pytest.fixture
def untouched(api: Seeded) -> Iterator[None]:
    """Fails the test when any stored row was added, changed in number, or removed."""
    before = api.row_counts()
    yield
    assert api.row_counts() == before


class Listener:
    """A loopback TCP port that records whether anything connected (an XXE fetch would)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


# --- XML bombs and external entities -------------------------------------------------------

NHS_ROOT = (
    '<nhsJobsSearchResults totalPages="1" totalResults="1"><vacancyDetails><id>X-1</id>'
    "<title>Porter</title><description>{body}</description><employer>Trust</employer>"
    "<closeDate>2099-01-01</closeDate><locations><location>Leeds, LS1 4AP</location>"
    "</locations></vacancyDetails></nhsJobsSearchResults>"
)
XCRI_ROOT = (
    '<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:mlo="http://purl.org/net/mlo"><provider><dc:identifier>10009999</dc:identifier>'
    "<dc:title>Example College</dc:title><course><dc:identifier>X-1</dc:identifier>"
    "<dc:title>Care Certificate</dc:title><dc:description>{body}</dc:description>"
    "<mlo:qualification><mlo:level>2</mlo:level></mlo:qualification></course></provider></catalog>"
)
FEEDS = {
    "nhs-jobs-xml": ("/v1/ingest/vacancies", NHS_ROOT),
    "xcri-cap": ("/v1/ingest/courses", XCRI_ROOT),
}


def _root_name(template: str) -> str:
    return template[1 : template.index(" ")]


def xml_attacks(template: str, port: int) -> dict[str, str]:
    root = _root_name(template)
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    return {
        "billion laughs": f"<!DOCTYPE {root} [{laughs}]>" + template.format(body="&lol9;"),
        "quadratic blowup": f'<!DOCTYPE {root} [<!ENTITY a "{"x" * 50_000}">]>'
        + template.format(body="&a;" * 20_000),
        "external entity file://": f'<!DOCTYPE {root} [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
        + template.format(body="&s;"),
        "external entity http://": f'<!DOCTYPE {root} [<!ENTITY s SYSTEM "http://127.0.0.1:{port}/x">]>'
        + template.format(body="&s;"),
        "parameter entity": f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>'
        + template.format(body="x"),
        "external DTD": f'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:{port}/d.dtd">'
        + template.format(body="x"),
    }


@pytest.mark.parametrize("feed_format", sorted(FEEDS))
@pytest.mark.usefixtures("untouched")
def test_xml_bombs_and_external_entities_are_refused(
    api: Seeded, listener: Listener, feed_format: str
) -> None:
    path, template = FEEDS[feed_format]
    for name, document in xml_attacks(template, listener.port).items():
        body = ('<?xml version="1.0" encoding="UTF-8"?>' + document).encode()
        response = api.client.post(
            f"{path}?source=hostile&format={feed_format}",
            headers=api.headers("admin"),
            content=body,
        )
        problem = assert_problem(response, 400)
        assert "root:" not in response.text, name
        assert "refused" in problem["detail"].lower() or "dtd" in problem["detail"].lower(), (
            name,
            problem,
        )
    assert listener.connections == 0, "the parser fetched an external resource"


# --- JSON nesting and size bombs -----------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000
JSON_ENDPOINTS = [
    ("POST", "/v1/match", "jobseeker_app"),
    ("POST", "/v1/routes", "jobseeker_app"),
    ("POST", "/v1/skills/extract", "jobseeker_app"),
    ("POST", "/v1/jobseekers", "adviser"),
    ("PATCH", "/v1/jobseekers/{jobseeker_id}", "adviser"),
    ("POST", "/v1/referrals", "adviser"),
    ("PATCH", "/v1/referrals/{referral_id}", "adviser"),
    ("POST", "/v1/keys", "admin"),
]


@pytest.mark.parametrize(("method", "path", "who"), JSON_ENDPOINTS)
@pytest.mark.usefixtures("untouched")
def test_json_nesting_and_size_bombs(api: Seeded, method: str, path: str, who: str) -> None:
    url = path.format(**api.ids)
    headers = {**api.headers(who), "content-type": "application/json"}
    for body in (DEEP, DEEP_OBJECT, '{"skills": ' + DEEP + "}", '{"text": ' + DEEP_OBJECT + "}"):
        assert_problem(api.client.request(method, url, headers=headers, content=body), 400, 422)
    # over the 1 MiB body limit: announced by Content-Length, and streamed without one
    big = json.dumps({"skills": ["personal-care"] * 80_000}).encode()
    assert len(big) > api.settings.max_body_bytes
    assert_problem(api.client.request(method, url, headers=headers, content=big), 413)
    streamed = api.client.request(
        method, url, headers=headers, content=iter([big[:600_000], big[600_000:]])
    )
    assert_problem(streamed, 413)
    # under the limit but absurd: a list far beyond any real one, a string far beyond any field
    many = {"skills": ["personal-care"] * 30_000, "text": "care " * 150_000}
    assert_problem(api.client.request(method, url, headers=headers, json=many), 413, 422)


@pytest.mark.usefixtures("untouched")
def test_json_feed_nesting_bomb_stores_nothing(api: Seeded) -> None:
    headers = api.headers("admin")
    line = json.dumps(advert("DEEP-1", "Porter", "LS1 4AP"))[:-1] + ', "x": ' + DEEP + "}"
    for body in (DEEP, "[" + line + "]", line, DEEP_OBJECT):
        response = api.client.post(
            "/v1/ingest/vacancies?source=hostile&format=jobposting-jsonld",
            headers=headers,
            content=body,
        )
        if response.status_code == 200:  # a feed: the broken record is rejected with its reason
            counts = response.json()["counts"]
            assert counts["created"] == counts["updated"] == 0 and counts["rejected"] >= 1, (
                response.text
            )
        else:
            assert_problem(response, 400)
        course = api.client.post(
            "/v1/ingest/courses?source=hostile&format=json", headers=headers, content=body
        )
        if course.status_code == 200:
            assert course.json()["counts"]["created"] == 0, course.text
        else:
            assert_problem(course, 400)


@pytest.mark.usefixtures("untouched")
def test_feed_over_the_ingest_limit_is_413(api: Seeded) -> None:
    headers = api.headers("admin")
    line = json.dumps(advert("BIG-{}", "Porter", "LS1 4AP"))
    body = "\n".join(
        line.replace("BIG-{}", f"BIG-{i}") for i in range(INGEST_LIMIT // len(line) + 50)
    ).encode()
    assert len(body) > INGEST_LIMIT
    url = "/v1/ingest/vacancies?source=hostile&format=jobposting-jsonld"
    assert_problem(api.client.post(url, headers=headers, content=body), 413)
    chunks = [body[i : i + 1_048_576] for i in range(0, len(body), 1_048_576)]
    assert_problem(api.client.post(url, headers=headers, content=iter(chunks)), 413)


# --- CSV encodings -------------------------------------------------------------------------

VACANCY_HEADER = "external_id,title,employer,description,postcode,closing_date\r\n"


def _row(external_id: str, title: str) -> str:
    return f"{external_id},{title},Trust,Lifting and care,LS1 4AP,2099-01-01\r\n"


def test_invalid_utf8_and_mixed_encodings_in_csv(api: Seeded) -> None:
    headers = api.headers("admin")
    url = "/v1/ingest/vacancies?source=hostile-csv&format=csv"
    before = api.row_counts()
    # the header itself not UTF-8, or the whole file UTF-16: the feed is refused
    for body in (
        "external_id,t\xeftle,employer\r\n".encode("latin-1") + _row("E0", "Porter").encode(),
        (VACANCY_HEADER + _row("E0", "Porter")).encode("utf-16"),
        b"\xff\xfe\x00\x00garbage",
    ):
        assert_problem(api.client.post(url, headers=headers, content=body), 400)
    assert api.row_counts() == before
    # one good row, a Latin-1 row, a row cut in the middle of a UTF-8 sequence, a Windows-1252 row
    body = (
        VACANCY_HEADER.encode()
        + _row("E1", "Café Assistant").encode()
        + _row("E2", "Café Porter").encode("latin-1")
        + _row("E3", "Caf").encode()[:-30]
        + b"\xc3,"
        + _row("E3", "x").encode()[3:]
        + _row("E4", "Porter \u2013 nights").encode("cp1252")
    )
    response = api.client.post(url, headers=headers, content=body)
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["counts"]["created"] == 1 and run["counts"]["rejected"] == 3, run
    assert all("UTF-8" in r["reason"] for r in run["rejects"]), run["rejects"]
    after = api.row_counts()
    assert after["vacancies.vacancy"] == before["vacancies.vacancy"] + 1
    stored = api.client.get("/v1/vacancies?source=hostile-csv", headers=headers).json()["items"]
    assert [v["title"] for v in stored] == ["Café Assistant"]
    # the course CSV reader too: a bad header is refused, a bad row rejected
    course_url = "/v1/ingest/courses?source=hostile-csv&format=csv"
    template = api.client.get("/v1/ingest/templates/courses.csv", headers=headers).text
    course_header = template.splitlines()[0]
    assert_problem(
        api.client.post(
            course_url, headers=headers, content=(course_header + "\xe9\r\n").encode("latin-1")
        ),
        400,
    )
    courses_before = api.row_counts()["training.course"]
    bad_row = ",".join("Caf\xe9" for _ in course_header.split(",")).encode("latin-1")
    course = api.client.post(
        course_url, headers=headers, content=course_header.encode() + b"\r\n" + bad_row
    )
    assert course.status_code == 200, course.text
    assert course.json()["counts"]["created"] == 0 and course.json()["counts"]["rejected"] == 1
    assert api.row_counts()["training.course"] == courses_before


# --- free-text filters, numbers, cursors ---------------------------------------------------

SQLISH = [
    "' OR '1'='1",
    "'; DROP TABLE vacancy; --",
    '" OR ""="',
    "1; SELECT * FROM api_key",
    "%' UNION SELECT key_hash, salt FROM api_key --",
    "\\'; DELETE FROM jobseeker WHERE ''='",
    "*",
    "%",
    "_",
]
SCRIPTS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}${7*7}",
    "\u0000\u202e\ufeff",
]


def _query_params(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, name, schema) of every GET query parameter in the public document."""
    found = []
    for path, operations in doc["paths"].items():
        operation = operations.get("get")
        if not path.startswith("/v1") or operation is None:
            continue
        for param in operation.get("parameters", []):
            if param["in"] == "query":
                schema = param.get("schema", {})
                found.append((path, param["name"], schema.get("anyOf", [schema])[0]))
    return found


def _get(api: Seeded, path: str, params: dict[str, Any]) -> Any:
    return api.client.get(path.format(**api.ids), params=params, headers=api.headers("admin"))


def _is_free_text(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "string"
        and "pattern" not in schema
        and "enum" not in schema
        and "format" not in schema
    )


@pytest.mark.usefixtures("untouched")
def test_sql_and_script_payloads_in_every_free_text_filter(api: Seeded) -> None:
    doc = api.client.get("/openapi.json").json()
    filters = [(p, n) for p, n, s in _query_params(doc) if _is_free_text(s) and n != "cursor"]
    assert ("/v1/vacancies", "q") in filters and ("/v1/courses", "near") in filters
    answered: set[int] = set()
    for path, name in filters:
        for payload in SQLISH + SCRIPTS:
            response = _get(api, path, {name: payload})
            answered.add(response.status_code)
            if response.status_code >= 400:
                assert_problem(response, 400, 404, 422)
            else:
                assert response.status_code == 200, (path, name, payload)
                assert response.headers["content-type"] == "application/json", (path, name)
                assert response.headers["x-content-type-options"] == "nosniff"
    assert 200 in answered  # the payloads were searched for, not only refused
    # an injected condition matches nothing: no advert holds these words
    for payload in SQLISH[:6]:
        items = _get(api, "/v1/vacancies", {"q": payload, "limit": 200}).json()["items"]
        assert items == [], payload
    # and every table is still there (a DROP would have made this a 500)
    assert _get(api, "/v1/vacancies", {}).status_code == 200


def test_huge_negative_and_non_numeric_parameters(api: Seeded) -> None:
    doc = api.client.get("/openapi.json").json()
    numeric = [(p, n) for p, n, s in _query_params(doc) if s.get("type") in ("integer", "number")]
    assert ("/v1/vacancies", "limit") in numeric and ("/v1/courses", "radius_km") in numeric
    needs = {"radius_km": {"near": "B15 2TT"}}
    before = api.row_counts()
    for path, name in numeric:
        for value in (
            "1e400",
            "99999999999999999999999",
            "-1",
            "-1e9",
            "abc",
            "NaN",
            "inf",
            "0x10",
            "1 OR 1=1",
        ):
            response = _get(api, path, {**needs.get(name, {}), name: value})
            assert_problem(response, 422)
    for path, name in [(p, n) for p, n, s in _query_params(doc) if s.get("type") == "boolean"]:
        assert_problem(_get(api, path, {name: "maybe"}), 422)
    dated = [(p, n) for p, n, s in _query_params(doc) if s.get("format") in ("date", "date-time")]
    assert ("/v1/audit", "since") in dated
    for path, name in dated:
        # the ends of the calendar, and offsets that push them past it (found by schemathesis)
        for value in (
            "0001-01-01",
            "9999-12-31",
            "0001-01-01T00:00:00+01:03",
            "9999-12-31T23:59:59-05:00",
        ):
            response = _get(api, path, {name: value})
            if response.status_code != 200:
                assert_problem(response, 422)
        assert_problem(_get(api, path, {name: "2025-02-30"}), 422)
    assert api.row_counts() == before


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_forged_and_tampered_cursors(api: Seeded) -> None:
    doc = api.client.get("/openapi.json").json()
    paginated = sorted({p for p, n, _ in _query_params(doc) if n == "cursor"})
    assert "/v1/vacancies" in paginated and "/v1/audit" in paginated
    real = _get(api, "/v1/courses", {"limit": 1}).json()["next_cursor"]
    assert real
    flipped = real[:5] + ("A" if real[5] != "A" else "B") + real[6:]
    forged = [
        "x",
        "not-base64!!",
        _b64(b'{"k": ["zzz"]}'),
        _b64(json.dumps(["2099-01-01", "vac_0"]).encode()),
        _b64(b"\x00" * 64),
        flipped,
        real[:-3],
        real + "AAAA",
        "A" * 1024,
        "' OR 1=1 --",
    ]
    before = api.row_counts()
    for path in paginated:
        for cursor in forged:
            assert_problem(_get(api, path, {"cursor": cursor}), 400, 422)
        if path != "/v1/courses":  # signed for one list, refused by every other
            assert_problem(_get(api, path, {"cursor": real}), 400, 422)
        assert_problem(_get(api, path, {"cursor": "A" * 1025}), 422)
    assert api.row_counts() == before


def test_a_cursor_from_one_list_on_every_other(api: Seeded) -> None:
    """Genuine cursors (signed here) carried to another list: refused, or a page of that list
    when the sort key has the same shape; never a 5xx."""
    doc = api.client.get("/openapi.json").json()
    paginated = sorted({p for p, n, _ in _query_params(doc) if n == "cursor"})
    cursors = {}
    for path in paginated:
        page = _get(api, path, {"limit": 1})
        assert page.status_code == 200, (path, page.text)
        if page.json().get("next_cursor"):
            cursors[path] = page.json()["next_cursor"]
    assert len(cursors) >= 6, sorted(cursors)
    for path in paginated:
        for origin, cursor in cursors.items():
            response = _get(api, path, {"cursor": cursor, "limit": 1})
            if response.status_code != 200:
                assert_problem(response, 400, 422)
            elif origin == path:
                assert response.json()["items"], path  # its own cursor: the next page
