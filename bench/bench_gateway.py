"""Gateway overhead: the same cheap request straight to a service and through the gateway.

``python -m bench.bench_gateway [--requests 2000] [--concurrency 16]`` starts, each in its own
uvicorn subprocess on a loopback port and its own data folder:

* the vacancies service alone (what the gateway calls in distributed mode);
* the gateway in embedded mode (services in-process, reached through ``ASGITransport``);
* the gateway in distributed mode, sending vacancies requests to the service above.

It then runs a bounded concurrent load (``--requests`` per scenario, ``--concurrency``
connections, after a warm-up) of one cheap endpoint per scenario and prints a markdown table
of requests per second and p50/p99 latency, all from the same run:

* ``/healthz`` on the service and on the gateway (the HTTP stack alone, no key);
* ``--path`` (default the CSV upload template: static text, no database) on the service with
  the signed identity headers the gateway would send, then through both gateways with an API
  key, so the difference is what the gateway adds: key check (cached), rate limit, policy,
  proxying and, in distributed mode, one more loopback HTTP hop.

Settings are the defaults a deployment runs with (INFO JSON access logs, to a file here),
except that the rate limit is raised so the limiter runs on every request but never refuses.
The load generator is Python (httpx on uvloop) on the same machine as the servers; on a small
machine it competes with them for CPU, so compare rows with each other, not with other hosts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = "/v1/ingest/templates/vacancies.csv"


@dataclass(frozen=True)
class Result:
    """One scenario's figures."""

    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    statuses: Counter[int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else float("inf")

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile latency (nearest rank), in milliseconds."""
        ordered = sorted(self.latencies_ms)
        rank = max(1, round(q / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]


async def _load(
    url: str, headers: dict[str, str], requests: int, concurrency: int, warmup: int
) -> tuple[float, list[float], Counter[int]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0, headers=headers) as client:
        for _ in range(warmup):
            await client.get(url)
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        remaining = requests

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies, statuses


def run_scenario(
    name: str, url: str, headers: dict[str, str], requests: int, concurrency: int, warmup: int
) -> Result:
    """Load ``url`` and collect the figures."""
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        runner = asyncio.run
    seconds, latencies, statuses = runner(_load(url, headers, requests, concurrency, warmup))
    return Result(name, len(latencies), seconds, latencies, statuses)


def markdown(results: Sequence[Result], concurrency: int) -> str:
    """The results as a markdown table."""
    lines = [
        "| scenario | requests | concurrency | status | req/s | p50 ms | p99 ms |",
        "|---|--:|--:|---|--:|--:|--:|",
    ]
    for r in results:
        status = ", ".join(f"{code}×{n}" for code, n in sorted(r.statuses.items()))
        lines.append(
            f"| {r.name} | {r.requests} | {concurrency} | {status} | {r.rps:,.0f} "
            f"| {statistics.median(r.latencies_ms):.1f} | {r.percentile(99):.1f} |"
        )
    return "\n".join(lines)


# --- the servers -------------------------------------------------------------------------


def _serve(what: str, port: int) -> None:
    """Subprocess entry point: serve the gateway or one service on ``port`` (settings from env)."""
    import uvicorn

    from services.common.logging import configure_logging
    from services.common.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    if what == "gateway":
        from gateway.app import create_app

        app = create_app(settings)
    else:
        from gateway.app import SERVICE_FACTORIES

        app = SERVICE_FACTORIES[what](settings)
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


def _free_port() -> int:
    from deploy.run_distributed import free_ports

    return free_ports(1)[0]


def _make_key(data_dir: Path, role: str) -> str:
    from gateway import keys
    from services.common.db import create_service_engine, unit_of_work
    from services.common.migrations import upgrade
    from services.common.settings import Settings

    settings = Settings(data_dir=data_dir, demo_data=False)
    engine = create_service_engine(settings, "gateway")
    try:
        upgrade("gateway", engine)
        with unit_of_work(engine) as session:
            scope = {"office": "bench-office"} if role == "adviser" else {}
            return keys.create_key(session, role=role, label="bench", **scope).key
    finally:
        engine.dispose()


@dataclass
class Server:
    """A server subprocess and where it listens."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def servers(data_dirs: dict[str, Path], service: str) -> Iterator[dict[str, Server]]:
    """Start the service, the embedded gateway and the distributed gateway; stop them after.

    ``data_dirs`` has a folder per server (``service``, ``embedded``, ``distributed``)."""
    base_env = {
        **os.environ,
        "ROUTEWAY_DEMO_DATA": "0",
        "ROUTEWAY_ENVIRONMENT": "development",
        "ROUTEWAY_RATE_LIMIT_PER_MINUTE": "100000000",
        "ROUTEWAY_LOG_LEVEL": "INFO",
        "ROUTEWAY_LOG_JSON": "true",
        "PYTHONPATH": str(REPO_ROOT),
    }
    for name in list(base_env):
        if name.startswith("ROUTEWAY_SERVICES__") or name == "ROUTEWAY_REDIS_URL":
            del base_env[name]
    service_port = _free_port()
    plan = {
        "service": (service, service_port, {}),
        "embedded": ("gateway", _free_port(), {}),
        "distributed": (
            "gateway",
            _free_port(),
            {f"ROUTEWAY_SERVICES__{service.upper()}_URL": f"http://127.0.0.1:{service_port}"},
        ),
    }
    started: dict[str, Server] = {}
    try:
        for label, (what, port, extra) in plan.items():
            log = data_dirs[label] / "server.log"
            env = {**base_env, "ROUTEWAY_DATA_DIR": str(data_dirs[label]), **extra}
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.bench_gateway",
                        "--serve",
                        what,
                        "--port",
                        str(port),
                    ],
                    cwd=REPO_ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started[label] = Server(label, f"http://127.0.0.1:{port}", process, log)
        for server in started.values():
            _wait_until_up(server)
        yield started
    finally:
        for server in started.values():
            server.process.terminate()
        for server in started.values():
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _wait_until_up(server: Server, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited:\n{server.log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{server.name} did not start in {timeout_s} s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="gateway overhead: direct vs through the gateway")
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--path", default=DEFAULT_PATH, help="a cheap GET the service answers")
    parser.add_argument("--service", default="vacancies", help="the service that answers --path")
    parser.add_argument("--role", default="jobseeker_app", help="role of the bench key")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.port)
        return 0

    from services.common.auth import Caller, identity_headers
    from services.common.settings import Settings

    with tempfile.TemporaryDirectory(prefix="routeway-bench-") as tmp:
        data_dirs = {label: Path(tmp) / label for label in ("service", "embedded", "distributed")}
        for folder in data_dirs.values():
            folder.mkdir()
        keys = {
            label: _make_key(data_dirs[label], args.role) for label in ("embedded", "distributed")
        }
        secret = Settings().secret_key
        key_id = keys["embedded"].removeprefix("rw_").split("_", 1)[0]
        signed = identity_headers(Caller(role=args.role, key_id=key_id), secret)
        with servers(data_dirs, args.service) as running:
            svc, emb, dist = running["service"], running["embedded"], running["distributed"]
            bearer = {label: {"Authorization": f"Bearer {keys[label]}"} for label in keys}
            plan = [
                (f"{args.service} service direct: `GET /healthz`", svc.url + "/healthz", {}),
                ("gateway (embedded): `GET /healthz`", emb.url + "/healthz", {}),
                (f"{args.service} service direct: `GET {args.path}`", svc.url + args.path, signed),
                (f"gateway embedded: `GET {args.path}`", emb.url + args.path, bearer["embedded"]),
                (
                    f"gateway distributed → {args.service}: `GET {args.path}`",
                    dist.url + args.path,
                    bearer["distributed"],
                ),
            ]
            results = [
                run_scenario(name, url, headers, args.requests, args.concurrency, args.warmup)
                for name, url, headers in plan
            ]
    print(markdown(results, args.concurrency))
    direct, embedded, distributed = results[2], results[3], results[4]
    print()
    for label, through in (("embedded", embedded), ("distributed", distributed)):
        print(
            f"- gateway {label} adds {statistics.median(through.latencies_ms) - statistics.median(direct.latencies_ms):+.1f} ms "
            f"at p50 and {through.percentile(99) - direct.percentile(99):+.1f} ms at p99; "
            f"throughput {through.rps / direct.rps:.0%} of direct"
        )
    print(
        f"\nPython {platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; "
        "load generator and servers on the same host."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
