"""Privacy and tenancy through the public gateway.

* Erasure: after ``DELETE /v1/jobseekers/{id}`` the person's name, postcode and id are in no
  table of any service database (the audit row of the erasure itself excepted), in no byte of
  any database file, in no object the process still holds (indexes, caches, the event bus,
  app state: every live container is walked), in no log line and in no audit entry.
* API keys are never logged, and never stored: the secret of every key used is in no log line
  and no database file.
* Office isolation: an adviser of office A cannot read, change, erase, refer, list, filter or
  count office B's jobseekers and referrals, and cannot tell B's ids from ids that do not exist.
* Shortlists for employer hubs carry no jobseeker id and no candidate reference that joins
  the same person across two vacancies.

``tests/matching/test_people_erasure.py`` checks the matching service's own stores (rows,
referrals, index entries, cached matches, event payloads) in more detail.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from sqlalchemy import create_engine, text

from tests.reliability.conftest import PROFILE, Seeded, advert

SERVICES = ("vacancies", "training", "matching", "gateway")


def _every_row(data_dir: Path) -> Iterator[tuple[str, str, tuple[Any, ...]]]:
    """(service, table, row) for every row of every table of every service database."""
    for service in SERVICES:
        engine = create_engine(f"sqlite:///{data_dir / f'{service}.db'}")
        try:
            with engine.connect() as conn:
                tables = [
                    name
                    for (name,) in conn.execute(
                        text("SELECT name FROM sqlite_master WHERE type = 'table'")
                    )
                ]
                for table in tables:
                    for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                        yield service, table, tuple(row)
        finally:
            engine.dispose()


def _live_strings_containing(needles: list[str], skip: list[object]) -> list[str]:
    """Every string or bytes, referenced by any live object the collector tracks (containers,
    instances, slots, closures, frames), that contains one of ``needles``."""
    gc.collect()
    encoded = [n.encode() for n in needles]
    found: list[str] = []
    skipped = {id(o) for o in [*skip, needles, encoded, found]}
    for obj in gc.get_objects():
        if id(obj) in skipped:
            continue
        for value in gc.get_referents(obj):
            if isinstance(value, str) and any(n in value for n in needles):
                found.append(f"{type(obj).__name__}: {value[:200]!r}")
            elif isinstance(value, bytes | bytearray) and any(n in value for n in encoded):
                found.append(f"{type(obj).__name__}: {bytes(value[:200])!r}")
    return found


def _audit(api: Seeded) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/audit", params=params, headers=api.headers("admin")).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_an_erased_jobseeker_leaves_no_trace(seeded_gateway: Seeded) -> None:
    api = seeded_gateway
    adviser = api.headers("adviser")
    name = f"Zebedee Quartermaine-{uuid.uuid4().hex[:12]}"
    postcode = "B15 2TU"  # only this person lives here; the sector is the seeded vacancies'
    vacancy_id = api.ids["vacancy_id"]
    with structlog.testing.capture_logs() as logs:
        created = api.client.post(
            "/v1/jobseekers",
            headers=adviser,
            json={
                **PROFILE,
                "postcode": postcode,
                "cv_text": f"My name is {name}. I cared for my gran.",
            },
        )
        assert created.status_code == 201, created.text
        person = created.json()["id"]
        url = f"/v1/jobseekers/{person}"
        # everything that copies the person somewhere: reads, an update, matches, a referral,
        # a shortlist place, filtered lists
        assert api.client.get(url, headers=adviser).status_code == 200
        patched = api.client.patch(url, headers=adviser, json={"cv_text": f"{name}, porter"})
        assert patched.status_code == 200
        assert api.client.get(f"{url}/matches", headers=adviser).status_code == 200
        referral = api.client.post(
            "/v1/referrals",
            headers=adviser,
            json={"jobseeker_id": person, "vacancy_id": vacancy_id},
        )
        assert referral.status_code == 201, referral.text
        shortlist = api.client.get(f"/v1/vacancies/{vacancy_id}/shortlist", headers=adviser).json()
        assert person in [c["jobseeker_id"] for c in shortlist["items"]]
        assert (
            api.client.get(
                "/v1/referrals", params={"jobseeker_id": person}, headers=adviser
            ).status_code
            == 200
        )
        assert (
            api.client.get(
                "/v1/jobseekers", params={"region": "West Midlands"}, headers=adviser
            ).status_code
            == 200
        )

        # the walk below sees attributes of live objects: here, the requests this test sent
        assert _live_strings_containing([name], skip=[])
        erased = api.client.delete(url, headers=adviser)
        assert erased.status_code == 200, erased.text
        after = api.client.get(f"/v1/vacancies/{vacancy_id}/shortlist", headers=adviser).json()
        assert person not in [c["jobseeker_id"] for c in after["items"]]
    del created, patched, referral, shortlist, erased, after

    needles = [name, postcode, postcode.replace(" ", ""), person]
    # every row of every table (the audit row of the erasure itself excepted)
    for service, table, row in _every_row(api.settings.data_dir):
        flat = json.dumps(row, default=str)
        hits = [n for n in needles if n in flat]
        if hits and service == "gateway" and table == "audit_event" and "jobseeker.erase" in flat:
            assert hits == [person], row  # the erasure record names the id, nothing else
            continue
        assert not hits, (service, table, hits, " | ".join(map(str, row)))
    # every byte of every file of the data folder (freed pages are zeroed)
    for path in Path(api.settings.data_dir).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for needle in (name, postcode):
                assert needle.encode() not in content, (path.name, needle)
    # the audit log as the API shows it: only the erasure names the person
    naming = [e for e in _audit(api) if person in json.dumps(e)]
    assert [e["action"] for e in naming] == ["jobseeker.erase"], naming
    # no log line, from any service or the gateway
    leaked = [e for e in logs if any(n in json.dumps(e, default=str) for n in needles)]
    assert not leaked, leaked[:5]
    # nothing the process still holds: indexes, caches, the event bus, app state
    matching = api.client.app.state.embedded_apps["matching"]  # type: ignore[attr-defined]
    assert matching.state.people.index.traces(person) == []
    assert matching.state.people.cache.count(person) == 0
    personal = [name, postcode]
    assert _live_strings_containing(personal, skip=[logs, needles]) == []
    # (asked for after all that: a new attempt on the id is audited like any other)
    assert api.client.get(url, headers=adviser).status_code == 404


def test_api_keys_are_never_logged_or_stored(seeded_gateway: Seeded) -> None:
    api = seeded_gateway
    secrets = [key.split("_", 2)[2] for key in api.keys.values()]  # rw_<id>_<secret>
    assert all(len(s) == 43 for s in secrets)
    with structlog.testing.capture_logs() as logs:
        for who in api.keys:
            api.client.get("/v1/vacancies?limit=1", headers=api.headers(who))
            api.client.get("/v1/keys", headers=api.headers(who))  # 403 for all but admin
        # a known key id with a wrong secret, a malformed key, a key in the query string
        key_id = api.keys["admin"].split("_")[1]
        api.client.get(
            "/v1/vacancies", headers={"Authorization": f"Bearer rw_{key_id}_{secrets[1]}"}
        )
        api.client.get("/v1/vacancies", headers={"Authorization": f"Bearer {secrets[0]}"})
        api.client.get(f"/v1/vacancies?api_key={api.keys['admin']}")
        created = api.client.post(
            "/v1/keys", headers=api.headers("admin"), json={"role": "jobseeker_app"}
        )
        assert created.status_code == 201
        secrets.append(created.json()["key"].split("_", 2)[2])
    for event in logs:
        line = json.dumps(event, default=str)
        assert not [s for s in secrets if s in line], event
    for path in Path(api.settings.data_dir).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not [s for s in secrets if s.encode() in content], path.name


def _comparable(response: Any) -> dict[str, Any]:
    """A problem document without what names the request (its id, path and the id asked for)."""
    return {
        k: v for k, v in response.json().items() if k not in ("request_id", "instance", "detail")
    }


@pytest.fixture(scope="module")
def two_offices(seeded_gateway: Seeded) -> Seeded:
    return seeded_gateway


def test_an_adviser_cannot_reach_another_offices_jobseekers(two_offices: Seeded) -> None:
    api = two_offices
    a, b = api.headers("adviser"), api.headers("adviser_b")
    theirs, their_referral = api.ids["jobseeker_id_b"], api.ids["referral_id_b"]
    nobody, no_referral = "js_" + "0" * 32, "ref_" + "0" * 32
    before = api.client.get(f"/v1/jobseekers/{theirs}", headers=b).json()
    referrals_before = api.row_counts()["matching.referral"]

    def same_as_missing(
        method: str, path: str, missing: str, body: dict[str, Any] | None = None
    ) -> None:
        """Office B's record answers exactly like one that does not exist (nothing to infer)."""
        real = api.client.request(method, path, headers=a, json=body)
        fake = api.client.request(
            method,
            path.replace(theirs, nobody).replace(their_referral, missing),
            headers=a,
            json=body,
        )
        assert real.status_code == fake.status_code == 404, (path, real.text)
        assert _comparable(real) == _comparable(fake)

    same_as_missing("GET", f"/v1/jobseekers/{theirs}", nobody)
    same_as_missing("PATCH", f"/v1/jobseekers/{theirs}", nobody, {"cv_text": "changed by A"})
    same_as_missing("DELETE", f"/v1/jobseekers/{theirs}", nobody)
    same_as_missing("GET", f"/v1/jobseekers/{theirs}/matches", nobody)
    same_as_missing(
        "PATCH", f"/v1/referrals/{their_referral}", no_referral, {"status": "withdrawn"}
    )
    same_as_missing("GET", f"/v1/referrals?jobseeker_id={theirs}", nobody)
    same_as_missing(
        "POST",
        "/v1/referrals",
        nobody,
        {"jobseeker_id": theirs, "vacancy_id": api.ids["vacancy_id"]},
    )

    # lists, every filter, and their counts show office A's people only
    filters: list[dict[str, Any]] = [
        {},
        {"consent_to_share": "true"},
        {"consent_to_share": "false"},
        {"region": "West Midlands"},
        {"skill": "personal-care"},
        {"young_person": "false"},
        {"long_term_unemployed": "false"},
        {"most_deprived_area": "true"},
        {"most_deprived_area": "false"},
    ]
    for params in filters:
        listed = api.client.get("/v1/jobseekers", params={**params, "limit": 200}, headers=a)
        assert listed.status_code == 200, listed.text
        assert theirs not in listed.text and all(
            j["office"] == "office-a" for j in listed.json()["items"]
        )
    for params in ({}, {"status": "referred"}, {"vacancy_id": api.ids["vacancy_id"]}):
        listed = api.client.get("/v1/referrals", params={**params, "limit": 200}, headers=a)
        assert listed.status_code == 200
        assert their_referral not in listed.text and theirs not in listed.text
    # the shortlist names only A's own people; B's are pseudonymous references
    shortlist = api.client.get(f"/v1/vacancies/{api.ids['vacancy_id']}/shortlist", headers=a).json()
    assert theirs not in json.dumps(shortlist)

    # and nothing changed on B's side
    assert api.client.get(f"/v1/jobseekers/{theirs}", headers=b).json() == before
    assert api.row_counts()["matching.referral"] == referrals_before
    assert their_referral in api.client.get("/v1/referrals", headers=b).text


def test_hub_shortlists_do_not_join_a_person_across_vacancies(seeded_gateway: Seeded) -> None:
    api = seeded_gateway
    admin, hub = api.headers("admin"), api.headers("employer_hub")
    feed = "\n".join(
        json.dumps(advert(f"J{i}", "Healthcare Support Worker", "B15 2TT")) for i in range(2)
    ).encode()
    ingested = api.client.post(
        "/v1/ingest/vacancies?source=join&format=jobposting-jsonld", headers=admin, content=feed
    )
    assert ingested.status_code == 200
    ids = [
        v["id"] for v in api.client.get("/v1/vacancies?source=join", headers=admin).json()["items"]
    ]
    assert len(ids) == 2
    people = {api.ids["jobseeker_id"], api.ids["jobseeker_id_b"]}
    pages = []
    for vacancy in ids:
        for _ in range(100):  # the index takes the new vacancies from the event stream
            response = api.client.get(f"/v1/vacancies/{vacancy}/shortlist", headers=hub)
            if response.status_code == 200 and response.json()["items"]:
                break
        assert response.status_code == 200, response.text
        pages.append(response.json()["items"])
    refs = [{c["candidate_ref"] for c in page} for page in pages]
    assert refs[0] and refs[1] and not refs[0] & refs[1], (
        "a reference joins a person across vacancies"
    )
    text_ = json.dumps(pages)
    assert not [p for p in people if p in text_]
    assert all(c.get("jobseeker_id") is None for page in pages for c in page)
    assert "B15" not in text_ and "postcode" not in text_
