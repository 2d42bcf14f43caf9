"""Fake services for the gateway tests: tiny ASGI apps served by uvicorn on a loopback port.

``serve(app)`` starts uvicorn in a thread on a port the OS picks and returns an ``Upstream``
whose ``stop()`` really closes the port, so a test can stop a service behind the gateway.
The apps: ``EchoApp`` answers every request with the headers it received (and counts them),
``SlowApp`` holds each request until released, ``FailingApp`` answers 500. Each counts only
public ``/v1`` requests (what the gateway proxies); anything else (``/readyz``, the
``/internal/...`` snapshots an embedded matching service may ask a remote vacancies service
for) gets a quick answer and is not counted.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from deploy.run_distributed import free_ports

Scope = dict[str, Any]


async def _respond(send: Any, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def _drain(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def _not_public(scope: Scope, send: Any) -> bool:
    """Answer a request outside ``/v1`` at once (ok for ``/readyz``, else 404); True if it was."""
    path = scope["path"]
    if path.startswith("/v1/") or path == "/v1":
        return False
    if path == "/readyz":
        await _respond(send, 200, {"status": "ok", "checks": {}})
    else:
        await _respond(send, 404, {"detail": "not here"})
    return True


class EchoApp:
    """Answers ``{"method", "path", "query", "headers"}``; ``/readyz`` answers ok."""

    def __init__(self) -> None:
        self.hits = 0
        self.seen: list[dict[str, str]] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        if await _not_public(scope, send):
            return
        self.hits += 1
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.seen.append(headers)
        body = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode(),
            "headers": headers,
        }
        extra = [(b"keep-alive", b"timeout=99"), (b"x-upstream", b"echo")]
        await _respond(send, 200, body, extra)


class SlowApp:
    """Holds every request until ``release`` is set (or 30 s pass), then answers 200."""

    def __init__(self) -> None:
        self.hits = 0
        self.release = threading.Event()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        if await _not_public(scope, send):
            return
        self.hits += 1
        await asyncio.to_thread(self.release.wait, 30)
        await _respond(send, 200, {"late": True})


class FailingApp:
    """Answers 500 to everything and counts the requests that reached it."""

    def __init__(self) -> None:
        self.hits = 0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await _drain(receive)
        if await _not_public(scope, send):
            return
        self.hits += 1
        await _respond(send, 500, {"detail": "failed"})


@dataclass
class Upstream:
    """A service running on ``url`` until ``stop()``."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "upstream did not stop"


def serve(app: Any) -> Upstream:
    """Serve ``app`` on a free loopback port in a thread; returns once it accepts connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        ws="none",
        log_config=None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake upstream did not start")
        time.sleep(0.01)
    return Upstream(f"http://127.0.0.1:{port}", server, thread)


@pytest.fixture
def upstreams() -> Iterator[list[Upstream]]:
    """Upstreams started by a test (append them); stopped afterwards if still running."""
    started: list[Upstream] = []
    yield started
    for upstream in started:
        if upstream.thread.is_alive():
            if isinstance(upstream.server.config.app, SlowApp):
                upstream.server.config.app.release.set()
            upstream.stop()


def free_port() -> int:
    """A loopback port with nothing listening on it (bound, then released)."""
    return free_ports(1)[0]
