"""Pulling a remote feed over HTTP (httpx, async): timeouts, retries, conditional requests.

``fetch`` makes one logical GET and hides the network's bad moments:

- connect and read timeouts come from the ``RetryPolicy``;
- 429, 502, 503 and 504 answers, transport errors, timeouts and truncated bodies (fewer
  bytes than ``Content-Length`` announced, or the connection closing mid-body) are retried
  up to ``max_attempts`` times, waiting an exponential backoff with jitter, or what the
  server's ``Retry-After`` asks (seconds or an HTTP date), never more than ``max_delay``;
- any other error status fails at once (retrying a 404 or 401 cannot help);
- with an ``etag`` it asks ``If-None-Match``, and a 304 answers ``not_modified``;
- when every attempt failed it raises ``PullError`` saying how many attempts and the last
  error.

Waiting goes through ``policy.sleep`` (and the clock through ``policy.now``), so tests pass
a recorder and never wait.

``pull_nhs_pages`` walks the NHS Jobs search pages (``page=1, 2, ...``), reading
``totalPages`` from the first and stopping at an empty page; ``dedupe`` (or
``pull_nhs_records``, which does both) drops adverts already seen on an earlier page, as
one published mid-crawl shifts the rest down a page.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx

from services.common.ingest import Reject
from services.vacancies.adapters.nhs_xml import has_records, parse_nhs_xml, read_page_info
from services.vacancies.adapters.records import VacancyRecord

RETRY_STATUSES = frozenset({429, 502, 503, 504})


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to wait for a server, and how often and how long to retry it."""

    max_attempts: int = 5
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 30.0
    jitter: float = 0.5
    """The share of each backoff delay drawn at random (0: none; 1: anywhere in 0..delay)."""
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retry_statuses: frozenset[int] = RETRY_STATUSES
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    rng: Callable[[], float] = field(default=random.random)
    now: Callable[[], datetime] = field(default=_utc_now)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based), jitter included."""
        delay = min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))
        return delay * (1 - self.jitter * self.rng())

    def timeout(self) -> httpx.Timeout:
        """The httpx timeout for one attempt."""
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a GET brought back: a body, or word that the copy we hold is current."""

    status: Literal["ok", "not_modified"]
    body: bytes | None
    etag: str | None


class PullError(RuntimeError):
    """A remote feed could not be fetched (after retrying, where retrying could help)."""

    def __init__(self, message: str, *, url: str, attempts: int, status: int | None) -> None:
        super().__init__(message)
        self.url = url
        self.attempts = attempts
        self.status = status


class _TruncatedBody(Exception):
    """The body ended before ``Content-Length`` bytes arrived."""


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    etag: str | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> FetchResult:
    """GET ``url`` with timeouts, retries and ``If-None-Match``; see the module docstring."""
    headers = {"If-None-Match": etag} if etag else {}
    last_error = "no attempt made"
    last_status: int | None = None
    attempts = max(1, policy.max_attempts)
    for attempt in range(1, attempts + 1):
        wait: float | None = None
        try:
            response = await client.get(
                url, params=params, headers=headers, timeout=policy.timeout()
            )
            _check_complete(response)
        except httpx.UnsupportedProtocol as error:
            raise PullError(
                f"GET {url}: {error}", url=url, attempts=attempt, status=None
            ) from error
        except (httpx.TransportError, httpx.DecodingError, _TruncatedBody) as error:
            last_error, last_status = _describe(error), None
        else:
            status = response.status_code
            if status == httpx.codes.NOT_MODIFIED:
                return FetchResult("not_modified", None, response.headers.get("ETag") or etag)
            if response.is_success:
                return FetchResult("ok", response.content, response.headers.get("ETag"))
            last_error = f"HTTP {status} {response.reason_phrase}".strip()
            last_status = status
            if status not in policy.retry_statuses:
                raise PullError(
                    f"GET {url} answered {last_error}; not retried",
                    url=url,
                    attempts=attempt,
                    status=status,
                )
            wait = retry_after_seconds(response.headers.get("Retry-After"), policy)
        if attempt < attempts:
            await policy.sleep(wait if wait is not None else policy.backoff(attempt))
    raise PullError(
        f"GET {url} failed after {attempts} attempts; last error: {last_error}",
        url=url,
        attempts=attempts,
        status=last_status,
    )


def retry_after_seconds(value: str | None, policy: RetryPolicy) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP date), capped."""
    if not value or not value.strip():
        return None
    text = value.strip()
    seconds: float
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - policy.now()).total_seconds()
    return min(max(seconds, 0.0), policy.max_delay)


async def pull_nhs_pages(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    policy: RetryPolicy = RetryPolicy(),
    max_pages: int = 1000,
) -> AsyncIterator[bytes]:
    """Each NHS Jobs search page's body, page 1 onwards, until ``totalPages`` or an empty page."""
    query = dict(params or {})
    total_pages: int | None = None
    page = 1
    while page <= max_pages and (total_pages is None or page <= total_pages):
        result = await fetch(client, url, params={**query, "page": page}, policy=policy)
        body = result.body or b""
        if page == 1:
            total_pages = read_page_info(body).total_pages
        if not has_records(body):
            return
        yield body
        page += 1


def dedupe(
    items: Iterable[VacancyRecord | Reject], seen: set[str]
) -> Iterator[VacancyRecord | Reject]:
    """Items whose ``external_id`` is not in ``seen`` (which it updates); rejects pass."""
    for item in items:
        if isinstance(item, VacancyRecord):
            if item.external_id in seen:
                continue
            seen.add(item.external_id)
        yield item


async def pull_nhs_records(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    policy: RetryPolicy = RetryPolicy(),
    max_pages: int = 1000,
) -> AsyncIterator[VacancyRecord | Reject]:
    """Every advert of a paged NHS Jobs search, once each, parsed.

    Reject positions count records across the whole crawl (page 2's first record follows
    page 1's last), so each names one record of the crawl.
    """
    seen: set[str] = set()
    offset = 0
    async for body in pull_nhs_pages(
        client, url, params=params, policy=policy, max_pages=max_pages
    ):
        items = list(parse_nhs_xml(io.BytesIO(body)))
        for item in dedupe(items, seen):
            if isinstance(item, Reject):
                item = Reject(item.position + offset, item.external_id, item.reason)
            yield item
        offset += len(items)


def _check_complete(response: httpx.Response) -> None:
    declared = response.headers.get("Content-Length")
    if declared is None or not declared.strip().isdigit() or not response.is_success:
        return
    if response.num_bytes_downloaded < int(declared):
        raise _TruncatedBody(
            f"body truncated: {response.num_bytes_downloaded} of {declared} bytes arrived"
        )


def _describe(error: Exception) -> str:
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return f"timeout ({type(error).__name__}): {detail}"
    if isinstance(error, _TruncatedBody):
        return detail
    return f"{type(error).__name__}: {detail}"
