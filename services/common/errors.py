"""The one error tree, and how each error becomes RFC 9457 ``application/problem+json``.

::

    RoutewayError                 500  internal-error (details hidden, request id shown)
    ├── InvalidInput              400  invalid-input        (bad parameter, cursor, feed envelope)
    │   └── ValidationFailed      422  validation-error     (carries an ``errors`` list)
    ├── Unauthenticated           401  unauthenticated      (adds WWW-Authenticate)
    ├── Forbidden                 403  forbidden
    ├── NotFound                  404  not-found
    ├── Conflict                  409  conflict
    ├── PayloadTooLarge           413  payload-too-large
    ├── RateLimited               429  rate-limited         (adds Retry-After)
    └── UpstreamUnavailable       503  upstream-unavailable (names the service)
        └── UpstreamTimeout       504  upstream-timeout

Services raise these; ``install_error_handlers`` turns each (and FastAPI's own 404, 405 and
validation errors) into problem+json with a stable ``type`` URI. No handler ever shows a stack
trace or an internal URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import structlog
from asgi_correlation_id import correlation_id
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.logging import logged_path

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://routeway.example/problems/"

log = structlog.get_logger("routeway.errors")


class RoutewayError(Exception):
    """Base of every error a service raises on purpose."""

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str = "",
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra: dict[str, Any] = dict(extra or {})
        self.headers: dict[str, str] = dict(headers or {})


class InvalidInput(RoutewayError):
    status, slug, title = 400, "invalid-input", "Invalid input"


class ValidationFailed(InvalidInput):
    status, slug, title = 422, "validation-error", "Validation failed"

    def __init__(self, detail: str, errors: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(detail, extra={"errors": [dict(e) for e in errors]})


class Unauthenticated(RoutewayError):
    status, slug, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, detail: str = "A valid API key is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="routeway"'})


class Forbidden(RoutewayError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(RoutewayError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(RoutewayError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(RoutewayError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class RateLimited(RoutewayError):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, retry_after_s: int, headers: Mapping[str, str] | None = None) -> None:
        merged = {"Retry-After": str(max(1, retry_after_s)), **dict(headers or {})}
        super().__init__(f"Rate limit exceeded; retry after {retry_after_s} s.", headers=merged)


class UpstreamUnavailable(RoutewayError):
    status, slug, title = 503, "upstream-unavailable", "Service unavailable"

    def __init__(self, service: str, detail: str = "") -> None:
        super().__init__(
            detail or f"The {service} service is unavailable.", extra={"service": service}
        )


class UpstreamTimeout(UpstreamUnavailable):
    status, slug, title = 504, "upstream-timeout", "Service timed out"


def problem(
    status: int,
    *,
    slug: str,
    title: str,
    detail: str,
    instance: str | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response carrying the request id."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    request_id = correlation_id.get()
    if request_id:
        body["request_id"] = request_id
    body.update(extra or {})
    out_headers = dict(headers or {})
    if request_id:
        out_headers.setdefault("X-Request-ID", request_id)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=out_headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        errors.append(
            {"field": ".".join(loc), "message": str(err.get("msg", "")), "type": err.get("type")}
        )
    return errors


async def _on_routeway_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RoutewayError)
    if exc.status >= 500 and not isinstance(exc, UpstreamUnavailable):
        log.error("internal_error", error=repr(exc), path=logged_path(request.scope))
        return problem(
            500,
            slug="internal-error",
            title="Internal error",
            detail="An unexpected error occurred; quote the request id when reporting it.",
            instance=request.url.path,
        )
    return problem(
        exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        extra=exc.extra,
        headers=exc.headers,
    )


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(
            400,
            slug="malformed-json",
            title="Malformed JSON",
            detail="The request body is not valid JSON.",
            instance=request.url.path,
            extra={"errors": errors},
        )
    fields = ", ".join(sorted({e["field"] for e in errors})) or "request"
    return problem(
        422,
        slug="validation-error",
        title="Validation failed",
        detail=f"Invalid value for: {fields}.",
        instance=request.url.path,
        extra={"errors": errors},
    )


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    slug = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}.get(
        status, phrase.lower().replace(" ", "-")
    )
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    if status == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    if status == 405:
        detail = f"Method {request.method} is not allowed on {request.url.path}."
    return problem(
        status,
        slug=slug,
        title=phrase,
        detail=detail,
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=logged_path(request.scope), error_type=type(exc).__name__)
    return problem(
        500,
        slug="internal-error",
        title="Internal error",
        detail="An unexpected error occurred; quote the request id when reporting it.",
        instance=request.url.path,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every error an app can raise to problem+json."""
    app.add_exception_handler(RoutewayError, _on_routeway_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
