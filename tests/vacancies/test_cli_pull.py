"""``routeway pull vacancies``: a remote feed pulled with httpx (mocked with respx) lands as one run."""

from __future__ import annotations

import json

import httpx
import respx

from gateway.cli import pull_and_ingest
from services.common.settings import Settings

FEED_URL = "https://feeds.example.org/jobs.jsonl"
NHS_URL = "https://nhs.example.org/api/v1/search_xml"


def _posting(external_id: str) -> str:
    return json.dumps(
        {"@type": "JobPosting", "identifier": external_id, "title": f"Porter {external_id}", "validThrough": "2099-01-01"}
    )


def _page(ids: list[str], total_pages: int) -> str:
    records = "".join(
        f"<vacancyDetails><id>{i}</id><title>Care Assistant {i}</title><closeDate>2099-01-01</closeDate></vacancyDetails>"
        for i in ids
    )
    return f'<vacancies totalPages="{total_pages}" totalResults="3">{records}</vacancies>'


@respx.mock
def test_jsonld_pull_then_304_is_not_modified(settings: Settings) -> None:
    body = "\n".join(_posting(i) for i in ("a", "b")).encode()
    route = respx.get(FEED_URL).mock(
        side_effect=[httpx.Response(200, content=body, headers={"ETag": '"v1"'}), httpx.Response(304)]
    )
    run = pull_and_ingest(settings, url=FEED_URL, source="remote", format="jobposting-jsonld")
    assert run is not None and run.counts.created == 2
    assert pull_and_ingest(settings, url=FEED_URL, source="remote", format="jobposting-jsonld") is None
    assert route.calls[1].request.headers["If-None-Match"] == '"v1"'


@respx.mock
def test_nhs_xml_pull_pages_and_dedupes(settings: Settings) -> None:
    respx.get(NHS_URL, params={"page": "1"}).mock(return_value=httpx.Response(200, text=_page(["1", "2"], 2)))
    respx.get(NHS_URL, params={"page": "2"}).mock(return_value=httpx.Response(200, text=_page(["2", "3"], 2)))
    run = pull_and_ingest(settings, url=NHS_URL, source="nhs", format="nhs-jobs-xml")
    assert run is not None
    assert (run.counts.received, run.counts.created) == (3, 3)
