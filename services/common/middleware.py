"""ASGI middleware every app shares: body size limits and security headers."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.errors import PayloadTooLarge, problem


class BodySizeLimitMiddleware:
    """Refuse request bodies over a limit with 413 problem+json.

    ``limit_for(path)`` gives the limit for a path (ingest endpoints take large feeds). A
    declared ``Content-Length`` over the limit is refused before reading; a streamed body is
    counted as it arrives and refused when it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False
            if too_large:
                response = problem(
                    413,
                    slug="payload-too-large",
                    title="Payload too large",
                    detail=f"The request body is over the limit of {limit} bytes.",
                    instance=scope.get("path"),
                )
                await response(scope, receive, send)
                return
        received = 0
        exceeded = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise PayloadTooLarge(f"The request body is over the limit of {limit} bytes.")
            return message

        async def guarded_send(message: Message) -> None:
            # Whatever the app made of the cut-off body (FastAPI says 400), the client gets a 413.
            nonlocal replaced
            if not exceeded:
                await send(message)
                return
            if replaced:
                return
            replaced = True
            response = problem(
                413,
                slug="payload-too-large",
                title="Payload too large",
                detail=f"The request body is over the limit of {limit} bytes.",
                instance=scope.get("path"),
            )
            await response(scope, receive, send)

        await self.app(scope, limited_receive, guarded_send)


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Add conservative security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = str(scope.get("path", "")).startswith(_DOCS_PATHS)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if not is_docs and b"content-security-policy" not in present:
                    headers.append(
                        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)
