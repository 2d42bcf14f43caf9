"""Structured JSON logs carrying the request id of the request being served."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import MutableMapping
from typing import Any

import structlog
from asgi_correlation_id import correlation_id
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = structlog.get_logger("routeway.access")


def _add_request_id(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    request_id = correlation_id.get()
    if request_id:
        event.setdefault("request_id", request_id)
    return event


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    """Configure structlog and the standard library to emit one JSON object per line."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _add_request_id,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(message)s", force=True)
    logging.getLogger("uvicorn.access").disabled = True


def valid_request_id(value: str) -> bool:
    """Accept a client's request id when it is short and printable ASCII."""
    return 0 < len(value) <= 128 and value.isascii() and value.isprintable()


def logged_path(scope: Scope) -> str:
    """The path as logged: the endpoint's template when it has parameters
    (``/v1/jobseekers/{jobseeker_id}``), so no record id (a jobseeker's included) reaches a log
    line; the request id leads to the audit row when the full path is needed. A path that
    matched no endpoint is logged as sent."""
    state = scope.get("state") or {}
    rule = state.get("rule") if isinstance(state, dict) else None  # the gateway's endpoint
    template = getattr(rule, "path", None) or getattr(scope.get("route"), "path", None)
    if isinstance(template, str) and "{" in template and ":path}" not in template:
        return template
    return str(scope.get("path", ""))


class AccessLogMiddleware:
    """One log line per request: method, path template, status, duration (never headers,
    bodies, query strings or record ids)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            access_log.info(
                "request",
                service=self.service,
                method=scope.get("method"),
                path=logged_path(scope),
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 2),
            )
