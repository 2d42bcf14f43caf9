"""The pieces of ``deploy/run_distributed.py``: the process plan, each process's environment as
``Settings`` reads it, the pid file, and ``stop`` signalling only processes it started."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from deploy.run_distributed import (
    Layout,
    ProcessSpec,
    Recorded,
    command_for,
    format_pids,
    maintenance_url,
    parse_pids,
    parse_ports,
    processes,
    service_env,
    stop_pids,
)
from gateway.proxy import parse_urls
from services.common.settings import Settings


def test_the_default_plan_is_two_matching_replicas_behind_the_gateway() -> None:
    plan = processes(Layout())
    assert [(p.name, p.service, p.port) for p in plan] == [
        ("vacancies", "vacancies", 8101),
        ("training", "training", 8102),
        ("matching-1", "matching", 8103),
        ("matching-2", "matching", 8104),
        ("gateway", "gateway", 8000),
    ]
    three = processes(Layout(matching_ports=(9001, 9002, 9003)))
    assert [p.name for p in three if p.service == "matching"] == ["matching-1", "matching-2", "matching-3"]


def test_two_processes_on_one_port_are_refused() -> None:
    with pytest.raises(ValueError, match="own port"):
        processes(Layout(gateway_port=8101))


def test_each_process_environment_reads_back_as_the_intended_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    layout = Layout(database_url="postgresql://postgres@127.0.0.1:5432/rw", redis_url="redis://127.0.0.1:6379/3")
    spec = next(p for p in processes(layout) if p.name == "matching-2")
    env = service_env(layout, spec, secret="s3cret", data_dir=tmp_path, base={"PATH": "/bin", "ROUTEWAY_PORT": "1"})
    assert env["PATH"] == "/bin"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.port == 8104 and settings.host == "127.0.0.1"  # the layout wins over the base
    assert settings.service_name == "matching"
    assert settings.database_url == layout.database_url and settings.redis_url == layout.redis_url
    assert settings.secret_key == "s3cret" and settings.data_dir == tmp_path
    assert settings.services.vacancies_url == "http://127.0.0.1:8101"
    assert parse_urls(settings.services.matching_url or "") == ["http://127.0.0.1:8103", "http://127.0.0.1:8104"]
    assert not settings.embedded


def test_the_command_serves_one_service_with_this_interpreter() -> None:
    command = command_for(ProcessSpec("matching-1", "matching", 8103))
    assert command[0] == sys.executable
    assert command[1:] == ["-m", "gateway.cli", "serve-service", "--service", "matching", "--port", "8103"]


def test_the_pid_file_round_trips_and_skips_blank_and_comment_lines() -> None:
    records = [Recorded(12, "vacancies", "http://127.0.0.1:8101"), Recorded(345, "gateway", "http://127.0.0.1:8000")]
    text = format_pids(records)
    assert text == "12 vacancies http://127.0.0.1:8101\n345 gateway http://127.0.0.1:8000\n"
    assert parse_pids("# started by make run-distributed\n\n" + text) == records


@pytest.mark.parametrize(
    ("url", "admin", "name"),
    [
        ("postgresql://postgres@127.0.0.1:5432/routeway", "postgresql://postgres@127.0.0.1:5432/postgres", "routeway"),
        ("postgresql+psycopg://u:p%40ss@db:6543/rw?sslmode=require", "postgresql://u:p%40ss@db:6543/postgres?sslmode=require", "rw"),
    ],
)
def test_the_maintenance_database_is_on_the_same_server(url: str, admin: str, name: str) -> None:
    assert maintenance_url(url) == (admin, name)


def test_a_url_without_a_database_is_refused() -> None:
    with pytest.raises(ValueError, match="names no database"):
        maintenance_url("postgresql://postgres@127.0.0.1:5432")


def test_ports_parse_from_a_comma_list() -> None:
    assert parse_ports("8103, 8104,") == (8103, 8104)


def _sleeper(*marks: str) -> subprocess.Popen[bytes]:
    """A process that sleeps; ``marks`` end up in its command line."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *marks])


def test_stop_signals_recorded_processes_and_leaves_a_recycled_pid_alone() -> None:
    ours = _sleeper("serve-service", "--service", "training")
    stranger = _sleeper("something-else")  # as if the recorded pid had been reused
    try:
        time.sleep(0.2)  # let both exec so /proc shows their command lines
        lines = stop_pids(
            [Recorded(ours.pid, "training", "http://x"), Recorded(stranger.pid, "matching-1", "http://y")],
            grace_s=10,
        )
        assert ours.wait(timeout=10) != 0, "the recorded process should have been signalled"
        assert stranger.poll() is None, "a process that is not serve-service must be left alone"
        assert f"training (pid {ours.pid}) stopped" in lines
        assert f"matching-1 (pid {stranger.pid}) was not running" in lines
    finally:
        for process in (ours, stranger):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
