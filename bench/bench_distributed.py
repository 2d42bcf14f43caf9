"""Distributed mode at England scale: replica rebuild time, event lag, match throughput.

``python -m bench.bench_distributed [--scale 1.0] [--rates 20,40,...] [--duration 15]
[--trials 50]`` (by hand; not part of ``make test``). It never touches the machine's shared
Redis or the ``routeway`` database: it starts a private ``redis-server`` on a free port and
creates a fresh PostgreSQL database ``routeway_bench_<hex>`` (dropped at the end), then:

1. **Data**: England-scale vacancies and courses from ``bench/generate_england.py`` (250,000
   open vacancies, 30,000 courses with 100,000 presentations at scale 1), bulk inserted with
   ``COPY`` into the vacancies and training schemas (not through the API: ingesting a
   quarter of a million adverts through enrichment would take the better part of an hour
   here). Dates are shifted so the data's "today" is the real today.
2. **Rebuild** (figure c): ``deploy/run_distributed.py start`` with two matching replicas; then
   ``matching-1`` is stopped (SIGTERM) and started again, ``--rebuilds`` times, each timed
   from the restart to the first ``/v1/match`` the replica answers (asked directly): process
   start, snapshot pages over HTTP, index build. The replica's own ``index_built`` seconds
   (snapshot and build, from its log) are shown beside it.
3. **Event lag** (figure b): ``--trials`` times, one vacancy (a receptionist in the Isles of
   Scilly, so a 3 km match around ``TR21 0`` finds it among a handful) is ingested through the
   gateway; the time from the ingest's answer (committed) until every matching replica,
   asked directly, returns it from ``/v1/match``, polled every 5 ms.
4. **Throughput** (figure a), with two replicas and then (after a restart with
   ``--matching-ports`` of one) with one: an open-loop generator (asyncio + httpx, requests
   scheduled at a fixed rate, latency counted from the scheduled time so queueing shows; at
   most 256 in flight) sends ``POST /v1/match`` with England-scale jobseeker profiles through
   the gateway for ``--duration`` seconds per rate, rates rising until p99 passes 100 ms
   twice. The figure is the highest rate up to which every step kept p99 under 100 ms with
   no errors (a later step that passes again after a miss does not count: noise).

Everything (generator, gateway, services, PostgreSQL, Redis) shares this machine's CPUs; the
script prints the load average with the figures and a markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.generate_england import LEVELS, SECTORS_CSV, EnglandData, ensure
from deploy.run_distributed import Recorded, free_ports, parse_pids
from services.common.auth import Caller, identity_headers

ROOT = Path(__file__).resolve().parents[1]
RUN_DISTRIBUTED = ROOT / "deploy" / "run_distributed.py"
PG_ADMIN_URL = os.environ.get(
    "ROUTEWAY_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SECRET = "bench-" + uuid.uuid4().hex
P99_TARGET_MS = 100.0
MAX_IN_FLIGHT = 256
LAG_PROFILE: dict[str, Any] = {
    "skills": ["customer-service"],
    "english_level": "level2",
    "maths_level": "level2",
    "driving_licence": False,
    "postcode": "TR21 0",
    "max_travel_km": 3,
    "limit": 200,
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())




def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# ---- data ----------------------------------------------------------------------------------


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def vacancy_rows(data: EnglandData, shift: timedelta) -> Iterator[tuple[Any, ...]]:
    """The generated vacancies as ``vacancy`` rows (columns: ``VACANCY_COLUMNS``)."""
    now = datetime.now(UTC)
    for doc in data.vacancy_docs():
        req = doc.requirements
        requirements = {
            "dbs": req.dbs,
            "driving_licence": bool(req.driving_licence),
            "licence_category": req.driving_licence,
            "english_level": req.english_level,
            "maths_level": req.maths_level,
            "registration": req.registration,
        }
        skills = [{"id": s, "essential": True} for s in doc.essential_skills] + [
            {"id": s, "essential": False} for s in doc.desirable_skills
        ]
        closing = doc.closing_date + shift if doc.closing_date else None
        yield (
            doc.id, "england-bench", doc.id, doc.title, doc.employer, "nhs", doc.role, doc.band,
            doc.hours_per_week, json.dumps(doc.working_pattern), doc.lat, doc.lon, doc.region,
            closing, "open", doc.entry_level, "", json.dumps(skills), json.dumps(requirements),
            _hash(doc.id), now, now, now,
        )  # fmt: skip


VACANCY_COLUMNS = (
    "id", "source", "external_id", "title", "employer", "sector", "role", "band",
    "hours_per_week", "working_pattern", "lat", "lon", "region", "closing_date", "status",
    "entry_level", "description", "skills", "requirements", "content_hash", "posted_at",
    "created_at", "updated_at",
)  # fmt: skip


def course_rows(
    data: EnglandData, shift: timedelta
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Providers, courses and presentations rows for the generated courses."""
    now = datetime.now(UTC)
    providers: dict[str, tuple[Any, ...]] = {}
    courses: list[tuple[Any, ...]] = []
    runs: list[tuple[Any, ...]] = []
    for doc in data.courses:
        provider_id = "prov_" + _hash(doc.provider_name)[:20]
        providers.setdefault(provider_id, (provider_id, doc.provider_name, "college", now))
        first = doc.presentations[0] if doc.presentations else None
        courses.append(
            (
                doc.id, "england-bench", doc.id, provider_id, doc.title, "", doc.qualification_type,
                doc.level or 0, json.dumps(doc.skills_taught), json.dumps(doc.grants),
                json.dumps(doc.leads_to),
                json.dumps([{"code": code} for code in doc.entry_requirements]),
                first.duration_weeks if first else None, doc.hours_per_week, doc.cost,
                doc.funding, first.lat if first else None, first.lon if first else None,
                "open", _hash(doc.id), now, now,
            )
        )  # fmt: skip
        for i, run in enumerate(doc.presentations):
            runs.append(
                (
                    f"{doc.id}-p{i}", doc.id, f"{doc.id}-p{i}",
                    run.start_date + shift if run.start_date else None,
                    run.end_date + shift if run.end_date else None,
                    run.duration_weeks, run.attendance, run.mode, run.lat, run.lon,
                )
            )  # fmt: skip
    return list(providers.values()), courses, runs


PROVIDER_COLUMNS = ("id", "name", "type", "updated_at")
COURSE_COLUMNS = (
    "id", "source", "external_id", "provider_id", "title", "description", "qualification_type",
    "level", "skills", "grants", "leads_to", "entry_requirements", "duration_weeks",
    "hours_per_week", "cost", "funding", "lat", "lon", "status", "content_hash", "created_at",
    "updated_at",
)  # fmt: skip
PRESENTATION_COLUMNS = (
    "id", "course_id", "external_id", "start_date", "end_date", "duration_weeks", "attendance",
    "mode", "lat", "lon",
)  # fmt: skip


def _copy(conn: Any, table: str, columns: Sequence[str], rows: Any) -> int:
    count = 0
    names = ", ".join(columns)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def create_database() -> str:
    import psycopg

    name = f"routeway_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_england(database_url: str, data: EnglandData, data_dir: Path) -> dict[str, float]:
    """Migrate every schema and COPY the data in; counts and seconds."""
    import psycopg

    from services.common.db import create_service_engine
    from services.common.migrations import upgrade
    from services.common.settings import SERVICE_NAMES, Settings

    settings = Settings(
        _env_file=None,
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        demo_data=False,
        secret_key=SECRET,
    )
    for service in SERVICE_NAMES:
        engine = create_service_engine(settings, service)
        upgrade(service, engine)
        engine.dispose()
    shift = date.today() - data.today
    started = time.perf_counter()
    with psycopg.connect(database_url) as conn:
        vacancies = _copy(
            conn, "routeway_vacancies.vacancy", VACANCY_COLUMNS, vacancy_rows(data, shift)
        )
        providers, courses, runs = course_rows(data, shift)
        _copy(conn, "routeway_training.provider", PROVIDER_COLUMNS, providers)
        n_courses = _copy(conn, "routeway_training.course", COURSE_COLUMNS, courses)
        n_runs = _copy(conn, "routeway_training.presentation", PRESENTATION_COLUMNS, runs)
        conn.commit()
        for schema in ("routeway_vacancies", "routeway_training"):
            conn.execute(f"ANALYZE {schema}.{'vacancy' if 'vac' in schema else 'course'}")
        conn.commit()
    return {
        "vacancies": vacancies,
        "courses": n_courses,
        "presentations": n_runs,
        "seconds": time.perf_counter() - started,
    }


# ---- the deployment ------------------------------------------------------------------------


@dataclass
class Deployment:
    """``run_distributed.py`` on a private data folder, database and Redis."""

    data_dir: Path
    database_url: str
    redis_url: str
    gateway_port: int = 0
    admin_key: str = ""
    app_key: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def script(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(RUN_DISTRIBUTED), "--data-dir", str(self.data_dir),
             "--timeout", "600", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    def start(self, matching: int) -> float:
        """Start with ``matching`` replicas; seconds until every replica answers a match."""
        ports = free_ports(3 + matching)
        self.gateway_port = ports[0]
        started = time.perf_counter()
        done = self.script(
            "start", "--database-url", self.database_url, "--redis-url", self.redis_url,
            "--gateway-port", str(ports[0]), "--vacancies-port", str(ports[1]),
            "--training-port", str(ports[2]),
            "--matching-ports", ",".join(str(p) for p in ports[3:]),
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"start failed:\n{done.stdout}\n{done.stderr}")
        keys = dict(re.findall(r"^\s+(admin|jobseeker_app)\s+\S+\s+(rw_\S+)$", done.stdout, re.M))
        self.admin_key, self.app_key = keys["admin"], keys["jobseeker_app"]
        for replica in self.replicas():
            wait_for_match(replica.url, 600)
        return time.perf_counter() - started

    def stop(self) -> None:
        self.script("stop", timeout=120)

    def processes(self) -> list[Recorded]:
        return parse_pids((self.data_dir / "distributed.pids").read_text())

    def replicas(self) -> list[Recorded]:
        return [r for r in self.processes() if r.name.startswith("matching-")]

    def log(self, name: str) -> Path:
        return self.data_dir / "distributed" / "logs" / f"{name}.log"


def replica_headers() -> dict[str, str]:
    return identity_headers(Caller(role="jobseeker_app", key_id="bench"), SECRET)


def wait_for_match(url: str, timeout_s: float) -> None:
    """Until the replica at ``url`` answers ``/v1/match`` (its index is built)."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=60) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                response = client.post(
                    f"{url}/v1/match", headers=replica_headers(), json=LAG_PROFILE
                )
                if response.status_code == 200:
                    return
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer a match within {timeout_s} s")


@dataclass(frozen=True)
class Rebuild:
    """One restart of a replica: wall time to its first match, and its own log's figures."""

    seconds: float
    build_seconds: float | None
    snapshot_seconds: float | None
    vacancies: int | None


def last_build(log: Path) -> dict[str, Any]:
    """The replica's last ``index_built`` log entry (JSON logs)."""
    found: dict[str, Any] = {}
    for line in log.read_text(errors="replace").splitlines():
        if '"index_built"' in line:
            with contextlib.suppress(ValueError):
                found = json.loads(line)
    return found


def measure_rebuilds(deployment: Deployment, times: int) -> list[Rebuild]:
    """Stop and restart ``matching-1``; seconds to its first match, its own build seconds."""
    out = []
    for _ in range(times):
        victim = next(r for r in deployment.replicas() if r.name == "matching-1")
        os.kill(victim.pid, signal.SIGTERM)
        while Path(f"/proc/{victim.pid}").exists() and "State:\tZ" not in Path(
            f"/proc/{victim.pid}/status"
        ).read_text(errors="replace"):
            time.sleep(0.05)
        started = time.perf_counter()
        done = deployment.script("restart", "matching-1")
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        wait_for_match(victim.url, 600)
        took = time.perf_counter() - started
        entry = last_build(deployment.log("matching-1"))
        rebuild = Rebuild(
            took, entry.get("seconds"), entry.get("snapshot_seconds"), entry.get("vacancies")
        )
        say(f"rebuild: {rebuild} (load {load_average()})")
        out.append(rebuild)
    return out


# ---- event lag -----------------------------------------------------------------------------


def lag_feed(token: str) -> bytes:
    closing = (date.today() + timedelta(days=60)).isoformat()
    return json.dumps(
        {
            "@type": "JobPosting",
            "identifier": token,
            "title": f"Receptionist {token}",
            "description": "<p>Customer service on reception, answering the telephone.</p>",
            "validThrough": closing,
            "hiringOrganization": {"name": "Isles of Scilly Health Centre"},
            "jobLocation": {"address": {"postalCode": "TR21 0HE"}},
        }
    ).encode()


async def measure_lag(deployment: Deployment, trials: int) -> list[float]:
    """Seconds from an ingest's answer until every replica matches the new vacancy."""
    admin = {"Authorization": f"Bearer {deployment.admin_key}"}
    urls = [r.url for r in deployment.replicas()]
    lags: list[float] = []
    async with (
        httpx.AsyncClient(base_url=deployment.base_url, timeout=60) as gateway,
        httpx.AsyncClient(timeout=30, headers=replica_headers()) as direct,
    ):

        async def seen_by(url: str, title: str) -> bool:
            response = await direct.post(f"{url}/v1/match", json=LAG_PROFILE)
            return response.status_code == 200 and any(
                m["title"] == title for m in response.json()["matches"]
            )

        for i in range(trials):
            token = f"lag{i}x{uuid.uuid4().hex[:8]}"
            response = await gateway.post(
                "/v1/ingest/vacancies?source=bench-lag&format=jobposting-jsonld",
                headers=admin,
                content=lag_feed(token),
            )
            assert response.status_code == 200, response.text
            committed = time.perf_counter()
            waiting = set(urls)
            while waiting:
                for url in list(waiting):
                    if await seen_by(url, f"Receptionist {token}"):
                        waiting.discard(url)
                if time.perf_counter() - committed > 30:
                    raise RuntimeError(f"{token} not on {waiting} after 30 s")
                if waiting:
                    await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - committed)
    return lags


# ---- throughput ----------------------------------------------------------------------------


def match_bodies(data: EnglandData, count: int, seed: int = 5) -> list[dict[str, Any]]:
    """``/v1/match`` bodies from the generated jobseekers, each at a sector of England."""
    rng = random.Random(seed)
    with SECTORS_CSV.open() as f:
        rows = list(csv.DictReader(f))
    sectors = [r["sector"] for r in rows]
    weights = [int(r["n_postcodes"]) for r in rows]
    places = rng.choices(sectors, weights=weights, k=count)
    bodies = []
    for i, place in zip(rng.sample(range(data.n_jobseekers), count), places, strict=True):
        p = data.profile(i)
        bodies.append(
            {
                "skills": p.skills[:30],
                "english_level": p.english_level if p.english_level in LEVELS else None,
                "maths_level": p.maths_level if p.maths_level in LEVELS else None,
                "driving_licence": p.driving_licence,
                "postcode": place,
                "max_travel_km": min(p.max_travel_km, 200),
                "patterns": p.patterns[:10],
            }
        )
    return bodies


@dataclass
class Step:
    rate: float
    sent: int
    ok: int
    errors: int
    dropped: int
    p50_ms: float
    p99_ms: float
    achieved: float


async def open_loop(
    base_url: str, key: str, bodies: list[dict[str, Any]], rate: float, seconds: float
) -> Step:
    """``rate`` matches a second for ``seconds``; latency from each request's scheduled time."""
    headers = {"Authorization": f"Bearer {key}"}
    latencies: list[float] = []
    errors = dropped = 0
    in_flight = 0
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:

        async def one(body: dict[str, Any], due: float) -> None:
            nonlocal errors, in_flight
            try:
                response = await client.post("/v1/match", headers=headers, json=body)
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - due) * 1000)
                else:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            finally:
                in_flight -= 1

        tasks = []
        total = int(rate * seconds)
        start = time.perf_counter() + 0.1
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if in_flight >= MAX_IN_FLIGHT:
                dropped += 1
                continue
            in_flight += 1
            tasks.append(asyncio.create_task(one(bodies[i % len(bodies)], due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return Step(
        rate, total, len(latencies), errors, dropped,
        percentile(latencies, 50), percentile(latencies, 99), len(latencies) / elapsed,
    )  # fmt: skip


async def sweep(
    base_url: str, key: str, bodies: list[dict[str, Any]], rates: Sequence[float], seconds: float
) -> list[Step]:
    """Each rate in turn (after a short warm-up) until p99 misses the target twice."""
    await open_loop(base_url, key, bodies, rates[0], 3)  # warm-up: connections, caches
    steps: list[Step] = []
    misses = 0
    for rate in rates:
        step = await open_loop(base_url, key, bodies, rate, seconds)
        steps.append(step)
        say(
            f"  {rate:>6.0f}/s: ok {step.ok}, errors {step.errors}, dropped {step.dropped}, "
            f"p50 {step.p50_ms:.1f} ms, p99 {step.p99_ms:.1f} ms (load {load_average()})"
        )
        good = step.p99_ms < P99_TARGET_MS and step.errors == 0 and step.dropped == 0
        misses = 0 if good else misses + 1
        if misses >= 2:
            break
    return steps


def best_rate(steps: Sequence[Step]) -> float | None:
    """The highest rate up to which every step kept p99 under the target with no errors."""
    best = None
    for step in steps:
        if step.p99_ms >= P99_TARGET_MS or step.errors or step.dropped:
            break
        best = step.rate
    return best


# ---- main ----------------------------------------------------------------------------------


def start_redis(port: int, log: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not on PATH")
    out = log.open("ab")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    deadline = time.monotonic() + 15
    while True:
        try:
            redis.Redis(port=port, socket_connect_timeout=1).ping()
            return process
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = England scale")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rates", default="10,20,30,40,60,80,100,130,160,200")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per rate")
    parser.add_argument("--trials", type=int, default=50, help="event-lag trials")
    parser.add_argument("--rebuilds", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated: rebuild,lag,throughput")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    rates = [float(r) for r in args.rates.split(",")]

    say(f"load average at start: {load_average()}")
    started = time.perf_counter()
    data = ensure(args.seed, args.scale)
    say(
        f"data: {data.n_vacancies:,} vacancies, {len(data.courses):,} courses in {time.perf_counter() - started:.1f} s"
    )
    bodies = match_bodies(data, 2000)

    work = Path(tempfile.mkdtemp(prefix="routeway-bench-dist-"))
    (redis_port,) = free_ports(1)
    redis_process = start_redis(redis_port, work / "redis.log")
    database_url = create_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUTEWAY_")}
    env.update(
        ROUTEWAY_ENVIRONMENT="test",
        ROUTEWAY_DEMO_DATA="0",
        ROUTEWAY_SECRET_KEY=SECRET,
        ROUTEWAY_RATE_LIMIT_PER_MINUTE="1000000",
    )
    deployment = Deployment(work, database_url, f"redis://127.0.0.1:{redis_port}/0", env=env)
    report: dict[str, Any] = {"load_start": load_average()}
    try:
        loaded = load_england(database_url, data, work)
        say(f"COPY: {loaded} (load {load_average()})")
        report["loaded"] = loaded
        report["start_two"] = deployment.start(2)
        say(f"two replicas up and matching in {report['start_two']:.1f} s (load {load_average()})")
        if "rebuild" not in skip:
            report["rebuilds"] = measure_rebuilds(deployment, args.rebuilds)
            report["load_rebuild"] = load_average()
        if "lag" not in skip:
            lags = asyncio.run(measure_lag(deployment, args.trials))
            report["lag"] = lags
            report["load_lag"] = load_average()
            say(
                f"lag: p50 {percentile(lags, 50) * 1000:.0f} ms, p99 {percentile(lags, 99) * 1000:.0f} ms"
            )
        if "throughput" not in skip:
            say("throughput, two matching replicas:")
            report["two"] = asyncio.run(
                sweep(deployment.base_url, deployment.app_key, bodies, rates, args.duration)
            )
            report["load_two"] = load_average()
            deployment.stop()
            report["start_one"] = deployment.start(1)
            say("throughput, one matching replica:")
            report["one"] = asyncio.run(
                sweep(deployment.base_url, deployment.app_key, bodies, rates, args.duration)
            )
            report["load_one"] = load_average()
    finally:
        deployment.stop()
        drop_database(database_url)
        redis_process.terminate()
        redis_process.wait(timeout=15)
    print_report(report, args)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def print_report(report: dict[str, Any], args: argparse.Namespace) -> None:
    loaded = report["loaded"]
    print(
        f"\nCommand: `.venv/bin/python -m bench.bench_distributed --scale {args.scale} --rates {args.rates} "
        f"--duration {args.duration:g} --trials {args.trials} --rebuilds {args.rebuilds}`"
    )
    print(f"Load average at start {report['load_start']}.")
    print(
        f"\nData: {loaded['vacancies']:,} vacancies, {loaded['courses']:,} courses, "
        f"{loaded['presentations']:,} presentations, COPY in {loaded['seconds']:.1f} s."
    )
    print(
        f"Deployment with two matching replicas: start to both matching in {report['start_two']:.1f} s."
    )
    if "rebuilds" in report:
        print(
            "\n| rebuild of matching-1 | restart to first match (s) | snapshot + build, its log (s)"
            " | of which snapshot pages (s) | vacancies |"
        )
        print("|---|--:|--:|--:|--:|")
        for i, r in enumerate(report["rebuilds"], 1):
            print(
                f"| {i} | {r.seconds:.1f} | {r.build_seconds or '-'} | {r.snapshot_seconds or '-'} "
                f"| {r.vacancies or '-'} |"
            )
        print(f"(load average after: {report['load_rebuild']})")
    if "lag" in report:
        lags = [x * 1000 for x in report["lag"]]
        print(
            f"\nEvent lag, ingest answered -> on every replica, {len(lags)} trials: "
            f"p50 {percentile(lags, 50):.0f} ms, p99 {percentile(lags, 99):.0f} ms, "
            f"max {max(lags):.0f} ms, mean {statistics.fmean(lags):.0f} ms (load average after: {report['load_lag']})"
        )
    for name, label in (("two", "two replicas"), ("one", "one replica")):
        if name not in report:
            continue
        steps: list[Step] = report[name]
        print(f"\nThroughput, {label} (load average after: {report[f'load_{name}']}):\n")
        print("| rate (req/s) | sent | 200 | errors | dropped | achieved req/s | p50 ms | p99 ms |")
        print("|--:|--:|--:|--:|--:|--:|--:|--:|")
        for s in steps:
            print(
                f"| {s.rate:.0f} | {s.sent} | {s.ok} | {s.errors} | {s.dropped} | {s.achieved:.1f} | "
                f"{s.p50_ms:.1f} | {s.p99_ms:.1f} |"
            )
        print(
            f"\nHighest rate up to which every step kept p99 < {P99_TARGET_MS:.0f} ms, no errors: {best_rate(steps)} req/s"
        )


if __name__ == "__main__":
    sys.exit(main())
