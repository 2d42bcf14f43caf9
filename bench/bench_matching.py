"""Matching engine benchmark at England scale: index build, memory, match latency, routes,
and the same matches done the plain way (baselines) for the speed-up ratio.

What it does, in one process:

1. loads (or generates, see ``bench/generate_england.py``) 250,000 vacancies, 30,000 courses
   with 100,000 presentations and 500,000 jobseekers;
2. builds the ``MatchIndex`` (wall time) and measures what it holds: the index's own deep
   size estimate, the bytes ``tracemalloc`` sees the build allocate and keep, and the
   process's resident memory (``/proc/self/statm``, peak from ``/proc/self/status``);
3. runs ``--matches`` matches for random jobseekers (``limit=20``, training routes included)
   and the same without routes, reporting p50/p99 wall and CPU time (the machine is shared:
   CPU time shows the work, wall time what a caller waits);
4. times route planning alone (``MatchIndex.route``) for gaps seen in those matches;
5. on a subsample, runs the baselines: a numpy scan of every vacancy (no spatial
   prefilter), scikit-learn ``NearestNeighbors`` brute-force radius search plus the same
   scoring, and a straight Python loop (``engine/reference.py``), one thread each; each
   checks that it ranks the same top 20 as the index;
6. through HTTP (``--http N`` requests; 0 skips it): starts the embedded gateway under
   uvicorn in a subprocess on a loopback port, which builds the same England-scale index
   with every date moved to today and swaps it into the matching service, then POSTs
   ``/v1/match`` (limit 20, training routes) with a ``jobseeker_app`` key over one keep-alive
   httpx connection, one request at a time. Each body is a sampled jobseeker with the
   nearest postcode sector as postcode; in turn with each request, this process answers the
   same body in process (``match_service.to_profile`` + ``match_service.match``, the
   response model included) on its own index at the data's own "today", which is the same
   computation, so the difference is what HTTP, the gateway and the JSON add.

Operations compared with each other are timed input by input, in turn (``interleaved``), so
that a burst of load on the shared machine does not favour one of them.

It prints a markdown table and, with ``--write``, replaces the "Matching engine" section of
docs/BENCHMARKS.md. Run: ``.venv/bin/python -m bench.bench_matching --write``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Final

import httpx
import numpy as np
import numpy.typing as npt
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from bench.bench_gateway import Server, _free_port, _make_key, _wait_until_up
from bench.bench_shortlist import courses_today, vacancies_today
from bench.generate_england import SECTORS_CSV, EnglandData, ensure
from services.common.geo import EARTH_RADIUS_KM, haversine_km_many
from services.matching import match_service
from services.matching.engine import MatchIndex, Profile, VacancyDoc
from services.matching.engine.reference import scan_match
from services.matching.engine.unlock import what_would_change
from services.matching.schemas import MatchRequest

ROOT: Final = Path(__file__).resolve().parents[1]
BENCHMARKS_MD: Final = ROOT / "docs" / "BENCHMARKS.md"
SECTION: Final = "## Matching engine"
LIMIT: Final = 20
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Timing:
    """Percentiles of one measured operation, in milliseconds."""

    name: str
    count: int
    wall_p50: float
    wall_p99: float
    cpu_p50: float
    cpu_p99: float
    wall_mean: float
    cpu_measured: bool = True  # False when the work ran in another process

    def row(self) -> str:
        cpu = (
            f"{self.cpu_p50:.2f} | {self.cpu_p99:.2f}"
            if self.cpu_measured
            else "(server process) | (server process)"
        )
        return (
            f"| {self.name} | {self.count:,} | {self.wall_p50:.2f} | {self.wall_p99:.2f} | {cpu} |"
        )


def rss_bytes() -> int:
    """Resident memory of this process now."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE


def peak_rss_bytes() -> int:
    """The most resident memory this process has had (VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def load_average() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def _timing(name: str, wall: Sequence[float], cpu: Sequence[float]) -> Timing:
    w = np.asarray(wall) * 1e3
    c = np.asarray(cpu) * 1e3
    return Timing(
        name,
        len(w),
        float(np.percentile(w, 50)),
        float(np.percentile(w, 99)),
        float(np.percentile(c, 50)),
        float(np.percentile(c, 99)),
        float(w.mean()),
    )


def timed(name: str, calls: Sequence[Callable[[], object]]) -> Timing:
    """Run each call once, timing wall and CPU."""
    return interleaved([name], [[call] for call in calls])[0]


def interleaved(
    names: Sequence[str], rounds: Sequence[Sequence[Callable[[], object]]]
) -> list[Timing]:
    """Time several operations on the same inputs, one input at a time, so that a burst of
    load on the shared machine falls on all of them alike (not on whichever ran then)."""
    wall: list[list[float]] = [[] for _ in names]
    cpu: list[list[float]] = [[] for _ in names]
    for calls in rounds:
        for position, call in enumerate(calls):
            started_cpu = time.process_time()
            started = time.perf_counter()
            call()
            wall[position].append(time.perf_counter() - started)
            cpu[position].append(time.process_time() - started_cpu)
    timings = [_timing(name, w, c) for name, w, c in zip(names, wall, cpu, strict=True)]
    if len(names) == 2:  # the second minus the first, input by input
        extra_wall = np.asarray(wall[0]) - np.asarray(wall[1])
        extra_cpu = np.asarray(cpu[0]) - np.asarray(cpu[1])
        timings.append(_timing(f"{names[0]} minus {names[1]}", extra_wall, extra_cpu))
    return timings


def top_ids_from(
    index: MatchIndex,
    person_rows: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    wanted: npt.NDArray[np.bool_],
) -> list[str]:
    ids = index.vacancies.ids
    chosen = np.flatnonzero(wanted)
    ordered = sorted(chosen.tolist(), key=lambda p: (-float(score[p]), ids[int(person_rows[p])]))
    return [ids[int(person_rows[p])] for p in ordered[:LIMIT]]


def numpy_full_scan(index: MatchIndex, profile: Profile, today: date) -> list[str]:
    """Baseline: every open vacancy scored (great-circle distance to all), then the range cut."""
    table = index.vacancies
    person = index.person(profile, today)
    rows = np.flatnonzero(table.alive.view() & (table.closing.view() >= today.toordinal()))
    distance = haversine_km_many(
        profile.lat, profile.lon, table.lat.view()[rows], table.lon.view()[rows]
    )
    found = index.score_rows(person, rows, distance)
    wanted = (found.now | found.after) & (distance <= profile.max_travel_km)
    return top_ids_from(index, found.rows, found.score, wanted)


class SklearnBaseline:
    """Baseline: scikit-learn brute-force haversine radius search, then the same scoring."""

    def __init__(self, index: MatchIndex, today: date) -> None:
        table = index.vacancies
        self.index = index
        self.rows = np.flatnonzero(table.alive.view() & (table.closing.view() >= today.toordinal()))
        points = np.radians(
            np.column_stack((table.lat.view()[self.rows], table.lon.view()[self.rows]))
        )
        self.model = NearestNeighbors(algorithm="brute", metric="haversine").fit(points)

    def __call__(self, profile: Profile, today: date) -> list[str]:
        query = np.radians([[profile.lat, profile.lon]])
        distances, positions = self.model.radius_neighbors(
            query, radius=profile.max_travel_km / EARTH_RADIUS_KM, return_distance=True
        )
        rows = self.rows[positions[0]]
        found = self.index.score_rows(
            self.index.person(profile, today), rows, distances[0] * EARTH_RADIUS_KM
        )
        return top_ids_from(self.index, found.rows, found.score, found.now | found.after)


def engine_top(index: MatchIndex, profile: Profile, today: date) -> list[str]:
    result = index.match(profile, limit=LIMIT, with_routes=False, today=today)
    return [item.vacancy_id for item in result.items]


# --- through HTTP -------------------------------------------------------------------------


def serve(args: argparse.Namespace) -> None:
    """Subprocess entry point: the embedded gateway on ``--serve`` with the England index.

    The index is built with every date moved to today (the service matches on the real
    today) and swapped into the matching service once its own (empty) build is done; then
    ``--ready-file`` is written. Settings come from the environment (see ``http_server``).
    """
    import uvicorn

    from gateway.app import create_app
    from services.common.settings import Settings

    data = ensure(args.data_seed, args.scale)
    delta = date.today() - data.today
    index = MatchIndex()
    index.build(vacancies_today(data, delta), courses_today(data, delta))
    del data
    gc.collect()
    app = create_app(Settings())

    def install() -> None:
        try:
            swap()
        except BaseException:  # the client waits for the ready file: fail loudly instead
            traceback.print_exc()
            os._exit(1)

    def swap() -> None:
        while True:
            matching = getattr(app.state, "embedded_apps", {}).get("matching")
            keeper = getattr(getattr(matching, "state", None), "index_keeper", None)
            if keeper is not None and keeper.ready.is_set():
                break
            time.sleep(0.1)
        with keeper.lock:
            keeper.index = index
        Path(args.ready_file).write_text("ready", encoding="ascii")

    threading.Thread(target=install, daemon=True).start()
    uvicorn.run(app, host="127.0.0.1", port=args.serve, log_config=None, access_log=False)


@contextlib.contextmanager
def http_server(args: argparse.Namespace, folder: Path) -> Iterator[tuple[Server, str]]:
    """Start ``serve`` in a subprocess; yield it and a ``jobseeker_app`` key; stop it after."""
    env = {
        **os.environ,
        "ROUTEWAY_DATA_DIR": str(folder),
        "ROUTEWAY_DEMO_DATA": "0",
        "ROUTEWAY_RATE_LIMIT_PER_MINUTE": "100000000",
        "ROUTEWAY_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for name in list(env):
        if name.startswith("ROUTEWAY_SERVICES__") or name == "ROUTEWAY_REDIS_URL":
            del env[name]
    key = _make_key(folder, "jobseeker_app")
    port = _free_port()
    ready = folder / "index.ready"
    log = folder / "server.log"
    command = [
        sys.executable, "-m", "bench.bench_matching", "--serve", str(port),
        "--ready-file", str(ready), "--data-seed", str(args.data_seed), "--scale", str(args.scale),
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server("gateway", f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server, timeout_s=600)
        deadline = time.monotonic() + 600
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not load the index:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield server, key
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def nearest_sectors(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> list[str]:
    """The postcode sector (``AL1 1``) whose centroid is nearest each point."""
    names: list[str] = []
    points: list[tuple[float, float]] = []
    with SECTORS_CSV.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            sector, s_lat, s_lon, *_ = line.rstrip("\n").split(",")
            names.append(sector)
            points.append((float(s_lat), float(s_lon)))
    model = NearestNeighbors(n_neighbors=1, metric="haversine").fit(np.radians(points))
    _, found = model.kneighbors(np.radians(np.column_stack((lat, lon))))
    return [names[int(i)] for i in found[:, 0]]


def match_body(profile: Profile, postcode: str, delta: timedelta) -> dict[str, object]:
    """The ``POST /v1/match`` body for a generated jobseeker, dates moved by ``delta``."""
    available = profile.available_from
    return {
        "skills": list(profile.skills),
        "english_level": profile.english_level,
        "maths_level": profile.maths_level,
        "driving_licence": profile.driving_licence,
        "postcode": postcode,
        "max_travel_km": profile.max_travel_km,
        "hours_per_week": profile.hours_per_week,
        "patterns": list(profile.patterns),
        "available_from": None if available is None else (available + delta).isoformat(),
        "age": profile.age,
        "limit": LIMIT,
    }


def in_process_answer(index: MatchIndex, body: dict[str, object], today: date) -> object:
    """What the service does for one body, in this process, on the data's own "today"."""
    request = MatchRequest.model_validate(body)
    return match_service.match(index, request, match_service.to_profile(request), today=today)


def run_http(
    args: argparse.Namespace, index: MatchIndex, profiles: Sequence[Profile], today: date
) -> tuple[list[Timing], int]:
    """Time ``POST /v1/match`` over loopback HTTP and the same bodies in process, in turn."""
    delta = date.today() - today
    sectors = nearest_sectors(
        np.asarray([p.lat for p in profiles]), np.asarray([p.lon for p in profiles])
    )
    shifted = [match_body(p, s, delta) for p, s in zip(profiles, sectors, strict=True)]
    unshifted = [match_body(p, s, timedelta(0)) for p, s in zip(profiles, sectors, strict=True)]
    failed = 0
    with (
        tempfile.TemporaryDirectory(prefix="routeway-bench-matching-") as tmp,
        http_server(args, Path(tmp)) as (server, key),
        httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=30.0
        ) as client,
    ):

        def post(body: dict[str, object]) -> None:
            nonlocal failed
            response = client.post("/v1/match", json=body)
            failed += response.status_code != 200

        warm = min(args.warmup, len(shifted))
        for body in shifted[:warm]:
            post(body)
        failed = 0
        timings = interleaved(
            [
                "POST /v1/match through HTTP (loopback, embedded gateway)",
                "the same bodies in process (to_profile + match + response model)",
            ],
            [
                [partial(post, b), partial(in_process_answer, index, u, today)]
                for b, u in zip(shifted[warm:], unshifted[warm:], strict=True)
            ],
        )
    return timings, failed


def run(args: argparse.Namespace) -> str:
    rng = random.Random(args.seed)
    started = time.perf_counter()
    data: EnglandData = ensure(args.data_seed, args.scale)
    load_s = time.perf_counter() - started
    today = data.today
    started = time.perf_counter()
    vacancies: list[VacancyDoc] = data.vacancy_docs()
    docs_s = time.perf_counter() - started
    courses = data.courses
    runs = sum(len(c.presentations) for c in courses)
    gc.collect()
    rss_before = rss_bytes()

    index = MatchIndex()
    started = time.perf_counter()
    index.build(vacancies, courses)
    build_s = time.perf_counter() - started
    gc.collect()
    rss_after = rss_bytes()
    estimate = index.memory_bytes()

    tracemalloc.start()
    traced_index = MatchIndex()
    traced_index.build(vacancies, courses)
    gc.collect()
    traced_current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced_index
    gc.collect()

    people = rng.sample(range(data.n_jobseekers), args.matches + 20)
    profiles = [data.profile(i) for i in people]
    for profile in profiles[:20]:  # warm caches (lru, allocator)
        index.match(profile, limit=LIMIT, today=today)
    profiles = profiles[20:]

    match_full, match_core, routes_added = interleaved(
        ["match, limit 20, with training routes", "match, limit 20, no routes (scores + gates)"],
        [
            [
                partial(index.match, p, limit=LIMIT, today=today),
                partial(index.match, p, limit=LIMIT, with_routes=False, today=today),
            ]
            for p in profiles
        ],
    )
    routes_added = replace(routes_added, name="routes planned within a match (the difference)")
    results = [index.match(p, limit=LIMIT, today=today) for p in profiles]
    routes_per_match = float(np.mean([sum(1 for i in r.items if i.route) for r in results]))
    ready_now = float(np.mean([r.ready_now for r in results]))
    after = float(np.mean([r.after_training for r in results]))
    in_range = float(np.mean([r.in_range for r in results]))

    gaps: list[tuple[Profile, list[str], list[str]]] = []
    for profile, result in zip(profiles, results, strict=True):
        for item in result.items:
            if item.ready == "after_training":
                essential = [m.id for m in item.missing_skills if m.essential]
                row = index.vacancies.row_of[item.vacancy_id]
                gaps.append((profile, essential, index.vacancies.requirement_strings(row)))
    rng.shuffle(gaps)
    gaps = gaps[: args.routes]

    def plan_fresh(gap: tuple[Profile, list[str], list[str]]) -> object:
        index.route_cache.clear()
        return index.route(gap[0], gap[1], gap[2], today=today)

    route_timing = timed(
        "plan one route (MatchIndex.route, fresh profile, route cache emptied)",
        [partial(plan_fresh, g) for g in gaps],
    )
    for g in gaps:
        index.route(g[0], g[1], g[2], today=today)
    cached_timing = timed(
        "the same routes again (MatchIndex.route, from the route cache)",
        [partial(index.route, g[0], g[1], g[2], today=today) for g in gaps],
    )
    steps = [len(index.route(g[0], g[1], g[2], today=today).steps) for g in gaps[:200]]
    unlock_timing = timed(
        "what_would_change (radius 10 km, top 5)",
        [partial(what_would_change, p, index, 10.0, today=today) for p in profiles[: args.unlock]],
    )

    sample = profiles[: args.baseline]
    sklearn = SklearnBaseline(index, today)
    with threadpool_limits(1):  # one thread each, so wall and CPU time compare like with like
        engine_sample, numpy_timing, sklearn_timing = interleaved(
            ["engine (same sample)", "numpy full scan", "sklearn brute radius + scoring"],
            [
                [
                    partial(engine_top, index, p, today),
                    partial(numpy_full_scan, index, p, today),
                    partial(sklearn, p, today),
                ]
                for p in sample
            ],
        )[:3]
        python_sample = profiles[: args.python_baseline]
        engine_python, python_timing = interleaved(
            ["engine (Python sample)", "straight Python scan (reference.py)"],
            [
                [
                    partial(engine_top, index, p, today),
                    partial(scan_match, p, vacancies, courses, today=today, limit=LIMIT),
                ]
                for p in python_sample
            ],
        )[:2]
    agree_numpy = sum(
        engine_top(index, p, today) == numpy_full_scan(index, p, today) for p in sample
    )
    agree_sklearn = sum(engine_top(index, p, today) == sklearn(p, today) for p in sample)
    agree_python = sum(
        engine_top(index, p, today)
        == [m.vacancy_id for m in scan_match(p, vacancies, courses, today=today, limit=LIMIT)]
        for p in python_sample
    )

    http_rows: list[str] = []
    http_note = "not run (`--http 0`)"
    if args.http:
        print("through HTTP: starting the server (it builds its own index)", file=sys.stderr)
        http_timings, failed = run_http(args, index, profiles[: args.http + args.warmup], today)
        http, served, _ = http_timings
        http = replace(http, cpu_measured=False)
        http_added = replace(
            http_timings[2],
            name="what HTTP and the gateway add (the difference)",
            cpu_measured=False,
        )
        http_rows = [http.row(), served.row(), http_added.row()]
        http_note = (
            f"p99 {http.wall_p99:.1f} ms wall (p50 {http.wall_p50:.1f} ms): "
            f"{verdict(http.wall_p99, 50)}; {failed} non-200 answers"
        )

    def ratio(base: Timing, engine: Timing) -> str:
        return (
            f"{base.wall_p50 / engine.wall_p50:,.1f}x p50, {base.wall_p99 / engine.wall_p99:,.1f}x "
            f"p99 (CPU: {base.cpu_p50 / engine.cpu_p50:,.1f}x, {base.cpu_p99 / engine.cpu_p99:,.1f}x)"
        )

    mib = 1024 * 1024
    lines = [
        SECTION,
        "",
        f"Measured {date.today().isoformat()} with `.venv/bin/python -m bench.bench_matching --write` "
        f"(seed {args.seed}, data seed {args.data_seed}, scale {args.scale:g}) on "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}; "
        f"load average during the run {load_average()} (other work shares the machine, so CPU "
        "time is given beside wall time). Data from `bench/generate_england.py`: "
        f"{data.n_vacancies:,} open vacancies, {len(courses):,} courses with {runs:,} "
        f"presentations, {data.n_jobseekers:,} jobseekers, today = {today.isoformat()}.",
        "",
        "| index | figure |",
        "|---|---|",
        f"| load the saved data / make the {len(vacancies):,} `VacancyDoc`s | {load_s:.1f} s / {docs_s:.1f} s |",
        f"| `MatchIndex.build` (vacancies + courses) | {build_s:.1f} s |",
        f"| index size, deep estimate (`MatchIndex.memory_bytes`) | {estimate / mib:,.0f} MiB |",
        f"| allocated and kept by a build (tracemalloc; strings shared with the docs not counted) | {traced_current / mib:,.0f} MiB (peak {traced_peak / mib:,.0f} MiB) |",
        f"| process RSS before / after build; peak of the whole run | {rss_before / mib:,.0f} / {rss_after / mib:,.0f} MiB; {peak_rss_bytes() / mib:,.0f} MiB |",
        "",
        "| operation (ms) | n | wall p50 | wall p99 | CPU p50 | CPU p99 |",
        "|---|---|---|---|---|---|",
        match_full.row(),
        match_core.row(),
        routes_added.row(),
        route_timing.row(),
        cached_timing.row(),
        unlock_timing.row(),
        engine_sample.row(),
        numpy_timing.row(),
        sklearn_timing.row(),
        engine_python.row(),
        python_timing.row(),
        *http_rows,
        "",
        f"Per match on average: {in_range:,.0f} open vacancies within the travel limit, "
        f"{ready_now:,.1f} ready now, {after:,.0f} after training; {routes_per_match:.1f} of the 20 "
        f"results carry a route (mean {np.mean(steps) if steps else 0:.1f} steps).",
        "",
        "| baseline (top 20 without routes) | speed-up of the index | same top 20 |",
        "|---|---|---|",
        f"| numpy scan of every vacancy, no spatial prefilter | {ratio(numpy_timing, engine_sample)} | {agree_numpy}/{len(sample)} |",
        f"| scikit-learn `NearestNeighbors` brute force + same scoring | {ratio(sklearn_timing, engine_sample)} | {agree_sklearn}/{len(sample)} |",
        f"| straight Python loop (`engine/reference.py`) | {ratio(python_timing, engine_python)} | {agree_python}/{len(python_sample)} |",
        "",
        "Targets on this machine: match p99 at most 20 ms in process and 50 ms through HTTP, "
        "index memory at most 1 GB.",
        "",
        f"* match without routes (the index: prefilter, scores, gates, top 20): p99 "
        f"{match_core.wall_p99:.1f} ms wall, {match_core.cpu_p99:.1f} ms CPU: "
        f"{verdict(match_core.wall_p99, 20)} (wall), {verdict(match_core.cpu_p99, 20)} (CPU).",
        f"* match with a training route on every after-training result: p99 "
        f"{match_full.wall_p99:.1f} ms wall, {match_full.cpu_p99:.1f} ms CPU (every match is "
        "for a different jobseeker, so routes come from the planner, not the route cache): "
        f"{verdict(match_full.wall_p99, 20)} (wall), {verdict(match_full.cpu_p99, 20)} (CPU); "
        f"p50 {match_full.wall_p50:.1f} ms wall, {match_full.cpu_p50:.1f} ms CPU.",
        f"* `POST /v1/match` through HTTP (limit 20, training routes; loopback, embedded "
        f"gateway with a `jobseeker_app` key, one request at a time): "
        f"{http_note}.",
        f"* memory: {estimate / mib:,.0f} MiB by the index's own count, "
        f"{(rss_after - rss_before) / mib:,.0f} MiB more resident after the build: "
        f"{verdict(max(estimate, rss_after - rss_before) / mib, 1024)}.",
        "",
    ]
    return "\n".join(lines)


def verdict(value: float, limit: float) -> str:
    return "within target" if value <= limit else "over target"


def write_section(text: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or add) the "Matching engine" section, leaving other sections alone."""
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(existing):
        updated = pattern.sub(lambda _: text + "\n", existing, count=1)
    else:
        updated = existing.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = England scale")
    parser.add_argument("--data-seed", type=int, default=7)
    parser.add_argument("--seed", type=int, default=11, help="which jobseekers are sampled")
    parser.add_argument("--matches", type=int, default=2000)
    parser.add_argument("--routes", type=int, default=1000)
    parser.add_argument("--unlock", type=int, default=100)
    parser.add_argument("--baseline", type=int, default=200)
    parser.add_argument("--python-baseline", type=int, default=5)
    parser.add_argument("--http", type=int, default=1000, help="requests through HTTP (0: none)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed HTTP requests first")
    parser.add_argument("--write", action="store_true", help="update docs/BENCHMARKS.md")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--ready-file", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args)
        return
    text = run(args)
    print(text)
    if args.write:
        write_section(text)
        print(f"wrote {BENCHMARKS_MD.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
