"""Distributed mode on one machine: each service its own uvicorn process on PostgreSQL and Redis.

``make run-distributed`` runs ``start``; ``make stop-distributed`` runs ``stop``::

    python deploy/run_distributed.py start [--gateway-port 8000] [--vacancies-port 8101]
        [--training-port 8102] [--matching-ports 8103,8104] [--database-url URL] [--redis-url URL]
    python deploy/run_distributed.py stop
    python deploy/run_distributed.py restart matching-2    # start one recorded process again
    python deploy/run_distributed.py status

``start`` creates the PostgreSQL database if it is missing (``postgres@127.0.0.1:5432``, trust
authentication, database ``routeway``), migrates every service's schema, loads the demo data
once (``ROUTEWAY_DEMO_DATA=0`` skips it), starts vacancies, training, two matching replicas and
the gateway as ``routeway serve-service`` processes on loopback ports, waits until each
answers ``/readyz``, and prints the URL and a demo key per role (written to the same database
the gateway reads, so they work at once).

What it leaves in ``$ROUTEWAY_DATA_DIR`` (default ``./var``):

* ``distributed.pids``: ``<pid> <name> <url>`` per started process. ``stop`` signals exactly
  these pids (SIGTERM, then SIGKILL after a grace period), and only if the process still runs
  ``serve-service`` (a recycled pid is left alone), then removes the file.
* ``distributed.json``: the ports and URLs, so ``restart`` starts a process the same way.
* ``distributed/``: the processes' data folder, ``logs/<name>.log`` and ``secret_key`` (the
  shared ``ROUTEWAY_SECRET_KEY``, generated once with mode 0600 unless the variable is set).

Quirk: the processes run in their own sessions, so they outlive ``make``; nothing but
``stop`` (or a kill of the recorded pids) ends them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from services.common.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/routeway"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PIDS_FILE = "distributed.pids"
LAYOUT_FILE = "distributed.json"
STATE_DIR = "distributed"
COMMAND_MARK = "serve-service"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Layout:
    """Where everything runs: the ports, the database and Redis."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    gateway_port: int = 8000
    vacancies_port: int = 8101
    training_port: int = 8102
    matching_ports: tuple[int, ...] = (8103, 8104)

    def url(self, port: int) -> str:
        """The loopback base URL of ``port``."""
        return f"http://{HOST}:{port}"


@dataclass(frozen=True)
class ProcessSpec:
    """One process to start: a name unique in the deployment, the service it serves, its port."""

    name: str
    service: str
    port: int


@dataclass(frozen=True)
class Recorded:
    """One line of ``distributed.pids``."""

    pid: int
    name: str
    url: str


@dataclass
class Started:
    """A process this run started, with its log file."""

    spec: ProcessSpec
    process: subprocess.Popen[bytes]
    log: Path
    ready: bool = field(default=False)


def processes(layout: Layout) -> list[ProcessSpec]:
    """Every process of ``layout``, services first and the gateway last."""
    specs = [
        ProcessSpec("vacancies", "vacancies", layout.vacancies_port),
        ProcessSpec("training", "training", layout.training_port),
    ]
    specs += [
        ProcessSpec(f"matching-{i}", "matching", port)
        for i, port in enumerate(layout.matching_ports, start=1)
    ]
    specs.append(ProcessSpec("gateway", "gateway", layout.gateway_port))
    names = [s.name for s in specs]
    ports = [s.port for s in specs]
    if len(set(ports)) != len(ports):
        raise ValueError(
            f"every process needs its own port: {dict(zip(names, ports, strict=True))}"
        )
    return specs


def service_env(
    layout: Layout, spec: ProcessSpec, *, secret: str, data_dir: Path, base: Mapping[str, str]
) -> dict[str, str]:
    """The environment of ``spec``'s process: ``base`` plus the deployment's settings."""
    matching = ",".join(layout.url(port) for port in layout.matching_ports)
    return {
        **base,
        "ROUTEWAY_DATABASE_URL": layout.database_url,
        "ROUTEWAY_REDIS_URL": layout.redis_url,
        "ROUTEWAY_SECRET_KEY": secret,
        "ROUTEWAY_DATA_DIR": str(data_dir),
        "ROUTEWAY_HOST": HOST,
        "ROUTEWAY_PORT": str(spec.port),
        "ROUTEWAY_SERVICE_NAME": spec.service,
        "ROUTEWAY_SERVICES__VACANCIES_URL": layout.url(layout.vacancies_port),
        "ROUTEWAY_SERVICES__TRAINING_URL": layout.url(layout.training_port),
        "ROUTEWAY_SERVICES__MATCHING_URL": matching,
    }


def command_for(spec: ProcessSpec) -> list[str]:
    """The command line that serves ``spec`` with this interpreter."""
    return [
        sys.executable,
        "-m",
        "gateway.cli",
        COMMAND_MARK,
        "--service",
        spec.service,
        "--port",
        str(spec.port),
    ]


def format_pids(records: Iterable[Recorded]) -> str:
    """The text of ``distributed.pids``."""
    return "".join(f"{r.pid} {r.name} {r.url}\n" for r in records)


def parse_pids(text: str) -> list[Recorded]:
    """Read ``distributed.pids`` (blank and ``#`` lines ignored)."""
    records = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pid, name, url = line.split()
        records.append(Recorded(int(pid), name, url))
    return records


def maintenance_url(database_url: str) -> tuple[str, str]:
    """The server's ``postgres`` database URL and the name of the database ``database_url`` names."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name:
        raise ValueError(f"{database_url!r} names no database")
    scheme = parts.scheme.split("+", 1)[0]
    return urlunsplit((scheme, parts.netloc, "/postgres", parts.query, "")), name


def parse_ports(value: str) -> tuple[int, ...]:
    """``"8103,8104"`` -> ``(8103, 8104)``."""
    ports = tuple(int(p) for p in value.split(",") if p.strip())
    if not ports:
        raise argparse.ArgumentTypeError("give at least one port")
    return ports


# ---- side effects -------------------------------------------------------------------------


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        try:
            if "State:\tZ" in status.read_text():
                return False  # a zombie: exited, waiting for its parent
        except OSError:
            return False
    return True


def _ours(pid: int) -> bool:
    """True when ``pid`` still runs ``serve-service`` (on systems without /proc: when alive)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.exists():
        return _alive(pid)
    try:
        return COMMAND_MARK.encode() in cmdline.read_bytes() and _alive(pid)
    except OSError:
        return False


def free_ports(count: int = 1) -> list[int]:
    """``count`` distinct loopback ports nothing listens on (bound together, then released)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_ready(
    base_url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``/readyz`` of one server until 200; fail early if ``process`` exits (the e2e
    suite, the drills and ``make load`` start ``routeway serve`` and wait with this)."""
    import httpx

    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=3.0) as client:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                if client.get(f"{base_url}/readyz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"{base_url} was not ready in {timeout_s:.0f} s")


def _port_free(port: int) -> bool:
    """Whether uvicorn could listen on ``port`` (like it, ignore connections in TIME_WAIT)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _secret(state: Path) -> str:
    given = os.environ.get("ROUTEWAY_SECRET_KEY")
    if given:
        return given
    path = state / "secret_key"
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


def _ensure_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = maintenance_url(database_url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            _say(f"created database {name}")


def _check_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()


def _settings(layout: Layout, secret: str, state: Path) -> Settings:
    from services.common.settings import ServiceUrls, Settings

    return Settings(
        database_url=layout.database_url,
        redis_url=layout.redis_url,
        secret_key=secret,
        data_dir=state,
        services=ServiceUrls(
            vacancies_url=layout.url(layout.vacancies_port),
            training_url=layout.url(layout.training_port),
            matching_url=",".join(layout.url(p) for p in layout.matching_ports),
        ),
    )


def _prepare(layout: Layout, secret: str, state: Path) -> list[tuple[str, str, str]]:
    """Create the database, migrate every schema, load demo data once, issue demo keys."""
    from gateway.cli import _issue_demo_keys
    from services.common.db import create_service_engine
    from services.common.migrations import upgrade
    from services.common.settings import SERVICE_NAMES

    _ensure_database(layout.database_url)
    settings = _settings(layout, secret, state)
    for service in SERVICE_NAMES:
        engine = create_service_engine(settings, service)
        try:
            upgrade(service, engine)
        finally:
            engine.dispose()
    if settings.demo_data:
        from gateway.demo import load_demo_data

        for line in load_demo_data(settings):
            _say(line)
    return _issue_demo_keys(settings)


def _launch(layout: Layout, spec: ProcessSpec, secret: str, state: Path) -> Started:
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{spec.name}.log"
    env = service_env(layout, spec, secret=secret, data_dir=state, base=os.environ)
    with log.open("ab") as out:
        out.write(f"\n--- {time.strftime('%Y-%m-%dT%H:%M:%S')} start {spec.name}\n".encode())
        out.flush()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command_for(spec),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Started(spec, process, log)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_ready(started: Sequence[Started], layout: Layout, timeout_s: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=3.0) as client:
        while True:
            for item in started:
                if item.ready:
                    continue
                code = item.process.poll()
                if code is not None:
                    raise RuntimeError(
                        f"{item.spec.name} exited with {code}; the end of {item.log}:\n"
                        + _tail(item.log)
                    )
                try:
                    item.ready = (
                        client.get(f"{layout.url(item.spec.port)}/readyz").status_code == 200
                    )
                except httpx.HTTPError:
                    item.ready = False
            if all(item.ready for item in started):
                return
            if time.monotonic() > deadline:
                waiting = ", ".join(i.spec.name for i in started if not i.ready)
                raise RuntimeError(f"not ready after {timeout_s:.0f} s: {waiting}")
            time.sleep(0.2)


def _write_pids(data_dir: Path, records: Sequence[Recorded]) -> None:
    path = data_dir / PIDS_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(format_pids(records))
    tmp.replace(path)


def _read_pids(data_dir: Path) -> list[Recorded]:
    path = data_dir / PIDS_FILE
    return parse_pids(path.read_text()) if path.exists() else []


def _read_layout(data_dir: Path) -> Layout:
    raw = json.loads((data_dir / LAYOUT_FILE).read_text())
    raw["matching_ports"] = tuple(raw["matching_ports"])
    return Layout(**raw)


def stop_pids(records: Sequence[Recorded], grace_s: float = 15.0) -> list[str]:
    """SIGTERM each recorded process that is still ours, SIGKILL what outlives ``grace_s``."""
    lines = []
    signalled = []
    for record in records:
        if not _ours(record.pid):
            lines.append(f"{record.name} (pid {record.pid}) was not running")
            continue
        try:
            os.kill(record.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        signalled.append(record)
    deadline = time.monotonic() + grace_s
    while signalled and time.monotonic() < deadline and any(_alive(r.pid) for r in signalled):
        time.sleep(0.1)
    for record in signalled:
        if _alive(record.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(record.pid, signal.SIGKILL)
            lines.append(f"{record.name} (pid {record.pid}) killed after {grace_s:.0f} s")
        else:
            lines.append(f"{record.name} (pid {record.pid}) stopped")
    return lines


def start(data_dir: Path, layout: Layout, timeout_s: float) -> int:
    """Start the deployment; 0 when every process answered ``/readyz``."""
    running = [r for r in _read_pids(data_dir) if _ours(r.pid)]
    if running:
        names = ", ".join(f"{r.name} (pid {r.pid})" for r in running)
        _say(f"already running: {names}; `make stop-distributed` first")
        return 1
    specs = processes(layout)
    busy = [f"{s.name}:{s.port}" for s in specs if not _port_free(s.port)]
    if busy:
        _say(f"ports in use: {', '.join(busy)} (is `make run` or another deployment up?)")
        return 1
    state = data_dir / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    secret = _secret(state)
    try:
        _check_redis(layout.redis_url)
        keys = _prepare(layout, secret, state)
    except Exception as exc:
        _say(f"cannot prepare PostgreSQL/Redis ({layout.database_url}, {layout.redis_url}): {exc}")
        return 1
    (data_dir / LAYOUT_FILE).write_text(json.dumps(asdict(layout), indent=2))
    started: list[Started] = []
    for spec in specs:
        started.append(_launch(layout, spec, secret, state))
        _write_pids(
            data_dir,
            [Recorded(s.process.pid, s.spec.name, layout.url(s.spec.port)) for s in started],
        )
    try:
        _wait_ready(started, layout, timeout_s)
    except RuntimeError as exc:
        _say(str(exc))
        for line in stop_pids(_read_pids(data_dir)):
            _say(line)
        (data_dir / PIDS_FILE).unlink(missing_ok=True)
        return 1
    url = layout.url(layout.gateway_port)
    print(f"Routeway (distributed) at {url}  (docs: {url}/docs)")
    for item in started:
        print(f"  {item.spec.name:<10} pid {item.process.pid:<7} {layout.url(item.spec.port)}")
    print(f"  logs: {state / 'logs'}   pids: {data_dir / PIDS_FILE}   stop: make stop-distributed")
    print("demo keys (valid 7 days):")
    for role, scope, key in keys:
        print(f"  {role:<14} {scope or '-':<14} {key}")
    return 0


def stop(data_dir: Path) -> int:
    """Stop exactly the recorded processes and forget them."""
    records = _read_pids(data_dir)
    if not records:
        _say(f"nothing to stop ({data_dir / PIDS_FILE} is absent)")
        return 0
    for line in stop_pids(records):
        _say(line)
    (data_dir / PIDS_FILE).unlink(missing_ok=True)
    return 0


def restart(data_dir: Path, name: str, timeout_s: float) -> int:
    """Start the recorded process ``name`` again (after a crash or a drill), same port and env."""
    records = _read_pids(data_dir)
    layout = _read_layout(data_dir)
    spec = next((s for s in processes(layout) if s.name == name), None)
    if spec is None:
        _say(f"no process named {name!r} in this deployment")
        return 2
    old = next((r for r in records if r.name == name), None)
    if old is not None and _ours(old.pid):
        _say(f"{name} is still running (pid {old.pid})")
        return 1
    state = data_dir / STATE_DIR
    item = _launch(layout, spec, _secret(state), state)
    others = [r for r in records if r.name != name]
    _write_pids(data_dir, [*others, Recorded(item.process.pid, name, layout.url(spec.port))])
    try:
        _wait_ready([item], layout, timeout_s)
    except RuntimeError as exc:
        _say(str(exc))
        return 1
    _say(f"{name} restarted (pid {item.process.pid})")
    return 0


def status(data_dir: Path) -> int:
    """Print each recorded process and whether it runs; 0 when all do."""
    records = _read_pids(data_dir)
    for record in records:
        state = "running" if _ours(record.pid) else "not running"
        print(f"{record.name:<10} pid {record.pid:<7} {record.url}  {state}")
    return 0 if records and all(_ours(r.pid) for r in records) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("ROUTEWAY_DATA_DIR") or "./var"),
        help="where the pid file, logs and secret live (default $ROUTEWAY_DATA_DIR or ./var)",
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for /readyz")
    commands = parser.add_subparsers(dest="command", required=True)
    start_cmd = commands.add_parser("start", help="start every process")
    start_cmd.add_argument(
        "--database-url", default=os.environ.get("ROUTEWAY_DATABASE_URL") or DEFAULT_DATABASE_URL
    )
    start_cmd.add_argument(
        "--redis-url", default=os.environ.get("ROUTEWAY_REDIS_URL") or DEFAULT_REDIS_URL
    )
    start_cmd.add_argument(
        "--gateway-port", type=int, default=int(os.environ.get("ROUTEWAY_PORT") or 8000)
    )
    start_cmd.add_argument("--vacancies-port", type=int, default=8101)
    start_cmd.add_argument("--training-port", type=int, default=8102)
    start_cmd.add_argument("--matching-ports", type=parse_ports, default=(8103, 8104))
    commands.add_parser("stop", help="stop exactly the recorded processes")
    restart_cmd = commands.add_parser("restart", help="start one recorded process again")
    restart_cmd.add_argument("name", help="vacancies, training, matching-N or gateway")
    commands.add_parser("status", help="show the recorded processes")
    args = parser.parse_args(argv)
    data_dir: Path = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if args.command == "start":
        layout = Layout(
            database_url=args.database_url,
            redis_url=args.redis_url,
            gateway_port=args.gateway_port,
            vacancies_port=args.vacancies_port,
            training_port=args.training_port,
            matching_ports=tuple(args.matching_ports),
        )
        return start(data_dir, layout, args.timeout)
    if args.command == "stop":
        return stop(data_dir)
    if args.command == "restart":
        return restart(data_dir, args.name, args.timeout)
    return status(data_dir)


if __name__ == "__main__":
    sys.exit(main())
