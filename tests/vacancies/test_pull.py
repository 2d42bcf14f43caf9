"""The remote pull: retries, backoff, Retry-After, timeouts, truncation, ETags and paging.

Every remote answer is mocked with respx; waiting goes through a recorder, so no test sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from services.common.ingest import Reject
from services.vacancies.adapters.pull import (
    FetchResult,
    PullError,
    RetryPolicy,
    dedupe,
    fetch,
    pull_nhs_pages,
    pull_nhs_records,
    retry_after_seconds,
)
from services.vacancies.adapters.records import VacancyRecord

FEED = "https://feeds.example.org/api/v1/search_xml"
NOW = datetime(2025, 3, 3, 12, 0, 0, tzinfo=UTC)


class SleepRecorder:
    """Stands in for asyncio.sleep: remembers each requested wait, waits for nothing."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeper() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def policy(sleeper: SleepRecorder) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=4,
        base_delay=0.5,
        multiplier=2.0,
        max_delay=30.0,
        jitter=0.5,
        connect_timeout=2.0,
        read_timeout=7.0,
        sleep=sleeper,
        rng=lambda: 0.0,
        now=lambda: NOW,
    )


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as session:
        yield session


async def test_ok_returns_body_and_etag(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    mock.get(FEED).respond(200, content=b"<results/>", headers={"ETag": '"v1"'})
    result = await fetch(client, FEED, policy=policy)
    assert result == FetchResult("ok", b"<results/>", '"v1"')


async def test_429_with_retry_after_seconds_then_success(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy, sleeper: SleepRecorder
) -> None:
    route = mock.get(FEED)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, content=b"page"),
    ]
    result = await fetch(client, FEED, policy=policy)
    assert result.status == "ok" and result.body == b"page"
    assert sleeper.waits == [7.0]
    assert route.call_count == 2


async def test_retry_after_as_an_http_date_is_honoured_and_capped(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy, sleeper: SleepRecorder
) -> None:
    soon = format_datetime(NOW + timedelta(seconds=12), usegmt=True)
    mock.get(FEED).side_effect = [
        httpx.Response(503, headers={"Retry-After": soon}),
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(200, content=b"ok"),
    ]
    result = await fetch(client, FEED, policy=policy)
    assert result.body == b"ok"
    assert sleeper.waits == [12.0, 30.0]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("5", 5.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("Mon, 03 Mar 2025 11:00:00 GMT", 0.0),
    ],
)
def test_retry_after_values(header: str | None, seconds: float | None, policy: RetryPolicy) -> None:
    assert retry_after_seconds(header, policy) == seconds


async def test_a_503_storm_gives_up_after_max_attempts(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy, sleeper: SleepRecorder
) -> None:
    route = mock.get(FEED).respond(503)
    with pytest.raises(PullError) as caught:
        await fetch(client, FEED, policy=policy)
    assert route.call_count == 4
    assert sleeper.waits == [0.5, 1.0, 2.0]  # exponential, no jitter drawn (rng -> 0)
    assert caught.value.attempts == 4 and caught.value.status == 503
    assert "after 4 attempts" in str(caught.value) and "503" in str(caught.value)


def test_backoff_has_jitter_within_bounds_and_a_ceiling() -> None:
    high = RetryPolicy(base_delay=1.0, max_delay=10.0, jitter=0.5, rng=lambda: 1.0)
    low = RetryPolicy(base_delay=1.0, max_delay=10.0, jitter=0.5, rng=lambda: 0.0)
    assert [low.backoff(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert [high.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 5.0]


async def test_a_timeout_then_success(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy, sleeper: SleepRecorder
) -> None:
    mock.get(FEED).side_effect = [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("connection refused"),
        httpx.Response(200, content=b"late"),
    ]
    result = await fetch(client, FEED, policy=policy)
    assert result.body == b"late"
    assert sleeper.waits == [0.5, 1.0]


async def test_timeouts_come_from_the_policy(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    seen: dict[str, float | None] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        seen.update(request.extensions["timeout"])
        return httpx.Response(200, content=b"")

    mock.get(FEED).side_effect = answer
    await fetch(client, FEED, policy=policy)
    assert seen["connect"] == 2.0 and seen["read"] == 7.0


async def test_timeouts_to_the_end_raise_a_clear_pull_error(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    mock.get(FEED).side_effect = httpx.ConnectTimeout("connect timed out")
    with pytest.raises(PullError, match=r"after 4 attempts; last error: timeout"):
        await fetch(client, FEED, policy=policy)


async def test_a_body_cut_short_of_its_content_length_is_retried(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy, sleeper: SleepRecorder
) -> None:
    full = b"<results>" + b"x" * 200 + b"</results>"
    mock.get(FEED).side_effect = [
        httpx.Response(200, content=full[:50], headers={"Content-Length": str(len(full))}),
        httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body: "
            f"received 50 bytes, expected {len(full)}"
        ),
        httpx.Response(200, content=full),
    ]
    result = await fetch(client, FEED, policy=policy)
    assert result.body == full
    assert len(sleeper.waits) == 2


async def test_a_truncated_body_every_time_is_reported(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    mock.get(FEED).side_effect = lambda request: httpx.Response(
        200, content=b"abc", headers={"Content-Length": "10"}
    )
    with pytest.raises(PullError, match="body truncated: 3 of 10 bytes"):
        await fetch(client, FEED, policy=policy)


async def test_304_with_etag_is_not_modified(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    route = mock.get(FEED).respond(304, headers={"ETag": '"v7"'})
    result = await fetch(client, FEED, etag='"v7"', policy=policy)
    assert result == FetchResult("not_modified", None, '"v7"')
    assert route.calls.last.request.headers["If-None-Match"] == '"v7"'


async def test_no_etag_means_no_conditional_header(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    route = mock.get(FEED).respond(200, content=b"x")
    await fetch(client, FEED, params={"keyword": "porter"}, policy=policy)
    request = route.calls.last.request
    assert "If-None-Match" not in request.headers
    assert request.url.params["keyword"] == "porter"


@pytest.mark.parametrize("status", [400, 401, 404, 500])
async def test_errors_that_retrying_cannot_fix_fail_at_once(
    status: int, mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    route = mock.get(FEED).respond(status)
    with pytest.raises(PullError, match=f"answered HTTP {status}") as caught:
        await fetch(client, FEED, policy=policy)
    assert route.call_count == 1 and caught.value.status == status


def _page(ids: list[str], total_pages: int | None = 3) -> bytes:
    counts = f' totalPages="{total_pages}" totalResults="7"' if total_pages is not None else ""
    details = "".join(
        f"<vacancyDetails><id>{i}</id><title>Role {i}</title></vacancyDetails>" for i in ids
    )
    return f"<results{counts}>{details}</results>".encode()


def _pages_by_number(pages: dict[int, bytes]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        return httpx.Response(200, content=pages.get(number, _page([], None)))

    return answer


async def test_paging_through_three_pages_with_a_duplicate_across_pages(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    # "A3" was published mid-crawl, pushing "A2" from page 1 onto page 2 as well.
    pages = {1: _page(["A1", "A2", "A3"]), 2: _page(["A2", "A4", "A5"]), 3: _page(["A6"])}
    route = mock.get(FEED)
    route.side_effect = _pages_by_number(pages)
    bodies = [
        body async for body in pull_nhs_pages(client, FEED, params={"limit": 3}, policy=policy)
    ]
    assert bodies == [pages[1], pages[2], pages[3]]
    assert [int(c.request.url.params["page"]) for c in route.calls] == [1, 2, 3]
    assert all(c.request.url.params["limit"] == "3" for c in route.calls)

    records = [item async for item in pull_nhs_records(client, FEED, policy=policy)]
    ids = [r.external_id for r in records if isinstance(r, VacancyRecord)]
    assert ids == ["A1", "A2", "A3", "A4", "A5", "A6"]


async def test_paging_stops_at_an_empty_page_when_the_total_is_unknown(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    pages = {1: _page(["B1"], None), 2: _page(["B2"], None)}
    route = mock.get(FEED)
    route.side_effect = _pages_by_number(pages)
    bodies = [body async for body in pull_nhs_pages(client, FEED, policy=policy)]
    assert bodies == [pages[1], pages[2]]
    assert route.call_count == 3


async def test_paging_respects_max_pages(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    route = mock.get(FEED)
    route.side_effect = lambda request: httpx.Response(200, content=_page(["C1"], 50))
    bodies = [body async for body in pull_nhs_pages(client, FEED, policy=policy, max_pages=2)]
    assert len(bodies) == 2 and route.call_count == 2


async def test_a_failing_page_stops_the_crawl_with_pull_error(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params["page"] == "1":
            return httpx.Response(200, content=_page(["D1"]))
        return httpx.Response(503)

    mock.get(FEED).side_effect = answer
    seen: list[bytes] = []
    with pytest.raises(PullError):
        async for body in pull_nhs_pages(client, FEED, policy=policy):
            seen.append(body)
    assert len(seen) == 1


async def test_rejects_are_numbered_across_the_crawl(
    mock: respx.MockRouter, client: httpx.AsyncClient, policy: RetryPolicy
) -> None:
    bad = b'<results totalPages="2"><vacancyDetails><id>E2</id></vacancyDetails></results>'
    pages = {1: _page(["E1"], 2), 2: bad}
    mock.get(FEED).side_effect = _pages_by_number(pages)
    items = [item async for item in pull_nhs_records(client, FEED, policy=policy)]
    [reject] = [i for i in items if isinstance(i, Reject)]
    assert reject.position == 1 and reject.external_id == "E2"


def test_dedupe_skips_seen_ids_and_passes_rejects() -> None:
    def record(external_id: str) -> VacancyRecord:
        return VacancyRecord(external_id=external_id, title="Porter")

    seen = {"X1"}
    reject = Reject(1, "X2", "no title")
    items = list(dedupe([record("X1"), reject, record("X3"), record("X3")], seen))
    assert items == [reject, record("X3")]
    assert seen == {"X1", "X3"}
