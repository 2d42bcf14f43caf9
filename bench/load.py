"""A bounded load and soak test of embedded mode on loopback (``make load``).

``python -m bench.load [--duration 180] [--rate 20] [--max-rss-growth-mib 64]`` starts
``routeway serve`` (every service in one process, SQLite, demo data) on a free loopback port in
a fresh data folder, creates keys and 60 consenting jobseekers over two offices through the
API, warms up, then sends an open-loop mix at a steady rate for ``--duration`` seconds:

* 50 % searches: vacancies near a postcode, courses by words and place, skills by words;
* 30 % matches: ``POST /v1/match`` with a profile drawn from a few real-looking ones;
* 20 % shortlists: ``GET /v1/vacancies/{id}/shortlist`` as an adviser or an employer hub.

Requests leave on a fixed schedule (open loop: a slow answer does not slow the sender), and
each latency is measured from the request's scheduled time, so queueing inside the server
counts against it. It prints throughput, p50/p90/p99/max, the error rate (any status other
than 2xx, or no answer) and the server's resident memory after the warm-up and at the end,
and exits 1 when errors exceed ``--max-error-rate`` or memory grew by more than
``--max-rss-growth-mib``. ``--json`` adds one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from deploy.run_distributed import free_ports, wait_ready

REPO_ROOT = Path(__file__).resolve().parents[1]
PLACES = ["B15 2TT", "WR5 1DD", "LS1 4AP", "M1 1AE", "NG9 1ZZ", "CV1 5FB", "S1 2HE", "DE1 1AA"]
WORDS = ["care", "health", "porter", "admin", "catering", "pharmacy", "driver", "support"]
SKILL_SETS = [
    ["personal-care", "moving-and-handling", "teamwork"],
    ["customer-service", "data-entry"],
    ["food-hygiene", "food-temperature-control", "teamwork"],
    ["deep-cleaning", "stock-control"],
    ["personal-care", "microsoft-office"],
]


@dataclass
class Tally:
    """What the load saw."""

    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    sent: int = 0

    def add(self, kind: str, status: int, latency_ms: float) -> None:
        self.sent += 1
        self.latencies_ms.setdefault(kind, []).append(latency_ms)
        self.statuses[str(status)] += 1
        if not 200 <= status < 300:
            self.errors += 1


def _free_port() -> int:
    return free_ports(1)[0]


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Server:
    """``routeway serve`` on a loopback port with its own data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ROUTEWAY_")},
            "ROUTEWAY_DATA_DIR": str(data_dir),
            "ROUTEWAY_ENVIRONMENT": "test",
            "ROUTEWAY_DEMO_DATA": "1",
            "ROUTEWAY_RATE_LIMIT_PER_MINUTE": "10000000",
            "ROUTEWAY_SECRET_KEY": "load-test-" + os.urandom(8).hex(),
        }
        self.log = data_dir / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def key(self, role: str, *scope: str) -> str:
        command = [sys.executable, "-m", "gateway.cli", "keys", "create", "--role", role, *scope]
        out = subprocess.run(command, cwd=REPO_ROOT, env=self.env, check=True, capture_output=True)
        return out.stdout.decode().strip()

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gateway.cli", "serve", "--port", str(self.port)],
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_ready(self.url, 300, self.process)
        except RuntimeError as exc:
            raise SystemExit(f"{exc}; see {self.log}") from exc

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


@dataclass(frozen=True)
class Keys:
    admin: dict[str, str]
    app: dict[str, str]
    shortlisters: list[dict[str, str]]


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def seed(
    client: httpx.Client, keys: Keys, advisers: list[dict[str, str]], people: int
) -> list[str]:
    """Consenting jobseekers over the advisers' offices; the open vacancies' ids."""
    rng = random.Random(7)
    for i in range(people):
        body = {
            "skills": rng.choice(SKILL_SETS),
            "english_level": "level2",
            "maths_level": "level1",
            "postcode": rng.choice(PLACES),
            "max_travel_km": 25,
            "consent_to_share": True,
        }
        response = client.post("/v1/jobseekers", headers=advisers[i % len(advisers)], json=body)
        if response.status_code != 201:
            raise SystemExit(f"seeding a jobseeker failed: {response.status_code} {response.text}")
    vacancies = client.get("/v1/vacancies", params={"limit": 200}, headers=keys.admin).json()
    return [v["id"] for v in vacancies["items"]]


def one_request(
    rng: random.Random, keys: Keys, vacancy_ids: list[str]
) -> tuple[str, str, str, dict[str, Any]]:
    """(kind, method, path, httpx keyword arguments) for one request of the mix."""
    roll = rng.random()
    if roll < 0.5:
        choice = rng.randrange(3)
        if choice == 0:
            params: dict[str, Any] = {
                "near": rng.choice(PLACES),
                "radius_km": 20,
                "entry_level": "true",
            }
            return "search", "GET", "/v1/vacancies", {"params": params, "headers": keys.app}
        if choice == 1:
            params = {"q": rng.choice(WORDS), "near": rng.choice(PLACES), "radius_km": 30}
            return "search", "GET", "/v1/courses", {"params": params, "headers": keys.app}
        return (
            "search",
            "GET",
            "/v1/skills",
            {"params": {"q": rng.choice(WORDS)}, "headers": keys.app},
        )
    if roll < 0.8:
        body = {
            "skills": rng.choice(SKILL_SETS),
            "english_level": "level1",
            "maths_level": "entry3",
            "postcode": rng.choice(PLACES),
            "max_travel_km": 20,
            "include_unlock": rng.random() < 0.5,
            "limit": 20,
        }
        return "match", "POST", "/v1/match", {"json": body, "headers": keys.app}
    path = f"/v1/vacancies/{rng.choice(vacancy_ids)}/shortlist"
    return "shortlist", "GET", path, {"headers": rng.choice(keys.shortlisters)}


async def run_load(
    url: str, keys: Keys, vacancy_ids: list[str], *, rate: float, duration: float, seed_: int
) -> tuple[Tally, float]:
    """Send the mix open-loop at ``rate`` per second for ``duration`` seconds."""
    tally = Tally()
    rng = random.Random(seed_)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits) as client:

        async def send(
            scheduled: float, kind: str, method: str, path: str, kwargs: dict[str, Any]
        ) -> None:
            try:
                status = (await client.request(method, path, **kwargs)).status_code
            except httpx.HTTPError:
                status = 0
            tally.add(kind, status, (time.perf_counter() - scheduled) * 1000)

        tasks: list[asyncio.Task[None]] = []
        started = time.perf_counter()
        count = int(rate * duration)
        for i in range(count):
            scheduled = started + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(scheduled, *one_request(rng, keys, vacancy_ids))))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return tally, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=float(os.environ.get("ROUTEWAY_LOAD_SECONDS", 180))
    )
    parser.add_argument(
        "--rate", type=float, default=float(os.environ.get("ROUTEWAY_LOAD_RATE", 20))
    )
    parser.add_argument(
        "--warmup", type=float, default=15.0, help="seconds at the same rate, not counted"
    )
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    parser.add_argument("--max-rss-growth-mib", type=float, default=64.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="routeway-load-") as tmp:
        server = Server(Path(tmp))
        admin = server.key("admin")  # before the server: key creation migrates the gateway
        app = server.key("jobseeker_app")
        adviser_keys = [
            server.key("adviser", "--office", office) for office in ("load-a", "load-b")
        ]
        hub = server.key("employer_hub", "--org", "load-hub")
        advisers = [_bearer(k) for k in adviser_keys]
        keys = Keys(_bearer(admin), _bearer(app), [*advisers, _bearer(hub)])
        server.start()
        try:
            assert server.process is not None
            with httpx.Client(base_url=server.url, timeout=60) as client:
                vacancy_ids = seed(client, keys, advisers, args.people)
            asyncio.run(
                run_load(
                    server.url, keys, vacancy_ids, rate=args.rate, duration=args.warmup, seed_=1
                )
            )
            rss_before = _rss_mib(server.process.pid)
            cpu_before = time.process_time()
            tally, elapsed = asyncio.run(
                run_load(
                    server.url, keys, vacancy_ids, rate=args.rate, duration=args.duration, seed_=2
                )
            )
            rss_after = _rss_mib(server.process.pid)
            client_cpu = time.process_time() - cpu_before
        finally:
            server.stop()

    every = [v for values in tally.latencies_ms.values() for v in values]
    error_rate = tally.errors / max(tally.sent, 1)
    growth = rss_after - rss_before
    load1 = os.getloadavg()[0]
    print(
        f"load: {args.rate:g} req/s for {args.duration:g} s against embedded mode on loopback "
        f"({tally.sent} requests over {len(vacancy_ids)} vacancies, {args.people} jobseekers)"
    )
    print(
        f"throughput {tally.sent / elapsed:.1f} req/s; error rate {error_rate:.2%} "
        f"({tally.errors} of {tally.sent}); statuses {dict(sorted(tally.statuses.items()))}"
    )
    print("| kind | requests | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|--:|--:|--:|--:|--:|")
    for kind, values in [*sorted(tally.latencies_ms.items()), ("all", every)]:
        print(
            f"| {kind} | {len(values)} | {statistics.median(values):.1f} | {_percentile(values, 0.90):.1f} | "
            f"{_percentile(values, 0.99):.1f} | {max(values):.1f} |"
        )
    print(
        f"server RSS {rss_before:.0f} MiB after warm-up, {rss_after:.0f} MiB at the end "
        f"(growth {growth:+.1f} MiB, bound {args.max_rss_growth_mib:g} MiB); "
        f"load generator CPU {client_cpu:.1f} s; load average {load1:.2f}"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "rate": args.rate,
                    "duration_s": args.duration,
                    "requests": tally.sent,
                    "throughput_rps": tally.sent / elapsed,
                    "error_rate": error_rate,
                    "p50_ms": statistics.median(every),
                    "p99_ms": _percentile(every, 0.99),
                    "rss_before_mib": rss_before,
                    "rss_after_mib": rss_after,
                    "load_average": load1,
                }
            )
        )
    failed = error_rate > args.max_error_rate or growth > args.max_rss_growth_mib
    if failed:
        print("FAILED: over the error-rate or memory bound", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
