"""Deployments the end-to-end suite runs against, each reached only by its base URL.

* ``embedded``: ``routeway serve`` as a subprocess on a free loopback port, SQLite in a fresh
  folder. Always runs.
* ``distributed``: ``deploy/run_distributed.py start`` (what ``make run-distributed`` runs) on
  free loopback ports, a fresh PostgreSQL database and a private ``redis-server`` on a free
  port (no persistence), which the Redis drill stops and starts again without touching the
  machine's shared Redis. Runs under ``CI=true`` or with ``ROUTEWAY_E2E_DISTRIBUTED=1``;
  otherwise skipped (locally it adds about a minute).
* ``external``: a deployment already running at ``ROUTEWAY_E2E_BASE_URL``, with keys given as
  ``ROUTEWAY_E2E_KEYS="admin=rw_...,adviser=rw_...,employer_hub=rw_...,jobseeker_app=rw_..."``
  (the demo keys ``make run-distributed`` prints). When set, it replaces the two above.

Every deployment gives ``headers(role)`` for an API key of that role. The servers' own output
goes to a log file whose end is shown when a start fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from deploy.run_distributed import Recorded, free_ports, parse_pids, wait_ready
from services.common.settings import Settings
from tests.conftest import IN_CI, PG_ADMIN_URL, make_key, unavailable

ROOT = Path(__file__).resolve().parents[2]
RUN_DISTRIBUTED = ROOT / "deploy" / "run_distributed.py"
DISTRIBUTED = IN_CI or os.environ.get("ROUTEWAY_E2E_DISTRIBUTED") == "1"
EXTERNAL_URL = os.environ.get("ROUTEWAY_E2E_BASE_URL")
SECRET = "e2e-" + uuid.uuid4().hex
START_TIMEOUT_S = 180.0
SCOPES = {"adviser": ("e2e-office", None), "employer_hub": (None, "e2e-hub")}


@dataclass
class PrivateRedis:
    """A ``redis-server`` of this test session on its own port (no persistence): stoppable."""

    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout_s: float = 15.0) -> None:
        """Start it on its port (again) and wait until it answers."""
        import redis

        assert self.process is None or self.process.poll() is not None, "already running"
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not on PATH")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start: {_tail(self.log)}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop it (SIGTERM; it keeps nothing) and wait until it has exited."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


@dataclass
class Deployment:
    """A running Routeway reached by ``base_url``; ``settings`` reach the store its keys live in."""

    mode: str
    base_url: str
    settings: Settings | None = None
    data_dir: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    redis: PrivateRedis | None = None

    def headers(self, role: str) -> dict[str, str]:
        """``Authorization`` for a key of ``role`` (created once per deployment)."""
        if role not in self.keys:
            if self.settings is None:
                pytest.skip(f"no {role} key given in ROUTEWAY_E2E_KEYS")
            office, org = SCOPES.get(role, (None, None))
            self.keys[role] = make_key(self.settings, role, office=office, org=org)
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def client(self) -> httpx.Client:
        """A client on the gateway."""
        return httpx.Client(base_url=self.base_url, timeout=30.0)

    def processes(self) -> list[Recorded]:
        """The distributed deployment's recorded processes (pid, name, url)."""
        assert self.data_dir is not None, "only a distributed deployment records processes"
        return parse_pids((self.data_dir / "distributed.pids").read_text())

    def process(self, name: str) -> Recorded:
        """The recorded process called ``name`` (``matching-1`` ...)."""
        return next(r for r in self.processes() if r.name == name)

    def run_script(
        self, *args: str, timeout: float = START_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        """Run ``deploy/run_distributed.py`` on this deployment's data folder."""
        assert self.data_dir is not None
        return subprocess.run(
            [sys.executable, str(RUN_DISTRIBUTED), "--data-dir", str(self.data_dir), *args],
            cwd=ROOT,
            env=_clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without any ``ROUTEWAY_*`` setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROUTEWAY_")}
    return {
        **env,
        "ROUTEWAY_ENVIRONMENT": "test",
        "ROUTEWAY_DEMO_DATA": "0",
        "ROUTEWAY_SECRET_KEY": SECRET,
        "ROUTEWAY_RATE_LIMIT_PER_MINUTE": "100000",
        **extra,
    }


def _tail(path: Path, lines: int = 30) -> str:
    return (
        "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""
    )


@pytest.fixture(scope="session")
def embedded_deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """``routeway serve`` (every service in one process, SQLite) on a free loopback port."""
    data_dir = tmp_path_factory.mktemp("e2e-embedded")
    (port,) = free_ports(1)
    log = data_dir / "serve.log"
    env = _clean_env(ROUTEWAY_DATA_DIR=str(data_dir), ROUTEWAY_HOST="127.0.0.1")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base_url, START_TIMEOUT_S, process)
    except RuntimeError as exc:
        process.kill()
        process.wait(timeout=30)
        pytest.fail(f"{exc}; the end of {log}:\n{_tail(log)}")
    settings = Settings(
        _env_file=None,
        environment="test",
        data_dir=data_dir,
        demo_data=False,
        secret_key=SECRET,
    )
    yield Deployment("embedded", base_url, settings, data_dir)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def _fresh_database() -> str:
    import psycopg

    name = f"routeway_e2e_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def _drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def distributed_deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """``deploy/run_distributed.py start``: five processes on PostgreSQL and Redis."""
    if not DISTRIBUTED:
        pytest.skip("distributed mode runs under CI=true or with ROUTEWAY_E2E_DISTRIBUTED=1")
    data_dir = tmp_path_factory.mktemp("e2e-distributed")
    gateway, vacancies, training, matching_1, matching_2, redis_port = free_ports(6)
    private_redis = PrivateRedis(redis_port, data_dir / "redis.log")
    private_redis.start()
    redis_url = private_redis.url
    database_url = _fresh_database()
    deployment = Deployment(
        "distributed",
        f"http://127.0.0.1:{gateway}",
        Settings(
            _env_file=None,
            environment="test",
            data_dir=data_dir,
            database_url=database_url,
            redis_url=redis_url,
            demo_data=False,
            secret_key=SECRET,
        ),
        data_dir,
        redis=private_redis,
    )
    try:
        started = deployment.run_script(
            "start",
            "--database-url", database_url,
            "--redis-url", redis_url,
            "--gateway-port", str(gateway),
            "--vacancies-port", str(vacancies),
            "--training-port", str(training),
            "--matching-ports", f"{matching_1},{matching_2}",
        )  # fmt: skip
        assert started.returncode == 0, f"{started.stdout}\n{started.stderr}"
        assert "demo keys" in started.stdout and deployment.base_url in started.stdout
        yield deployment
    finally:
        stopped = deployment.run_script("stop", timeout=120)
        _drop_database(database_url)
        private_redis.stop()
        assert stopped.returncode == 0, stopped.stderr


@pytest.fixture(scope="session")
def external_deployment() -> Deployment:
    """A deployment someone else started, named by ``ROUTEWAY_E2E_BASE_URL``."""
    assert EXTERNAL_URL
    keys = dict(
        pair.split("=", 1)
        for pair in os.environ.get("ROUTEWAY_E2E_KEYS", "").split(",")
        if "=" in pair
    )
    return Deployment("external", EXTERNAL_URL.rstrip("/"), keys=keys)


MODES = ["external"] if EXTERNAL_URL else ["embedded", "distributed"]


@pytest.fixture(scope="session", params=MODES)
def deployment(request: pytest.FixtureRequest) -> Deployment:
    """Each mode in turn: the journey is the same whatever runs behind the base URL."""
    return request.getfixturevalue(f"{request.param}_deployment")  # type: ignore[no-any-return]
