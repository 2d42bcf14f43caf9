"""The ``routeway`` command: serve, migrate, manage keys, load demo data, ingest and pull feeds."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Iterable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Engine

from gateway import keys as key_store
from gateway.feeds import PullState, ingest_file
from services.common.db import create_service_engine, unit_of_work
from services.common.errors import RoutewayError
from services.common.ingest import FeedError
from services.common.ingest_runs import RunView
from services.common.logging import configure_logging
from services.common.migrations import upgrade
from services.common.settings import SERVICE_NAMES, ServiceName, Settings

app = typer.Typer(help="Routeway: routes into NHS and social-care work.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
ingest_app = typer.Typer(help="Stream a feed file through the ingest code.", no_args_is_help=True)
pull_app = typer.Typer(help="Pull a remote feed and ingest it.", no_args_is_help=True)
reenrich_app = typer.Typer(help="Enrich stored records again.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(ingest_app, name="ingest")
app.add_typer(pull_app, name="pull")
app.add_typer(reenrich_app, name="reenrich")

err = Console(stderr=True)
DEMO_LABEL = "demo"
DEMO_KEYS = (
    ("admin", None, None),
    ("adviser", "demo-office", None),
    ("employer_hub", None, "demo-hub"),
    ("jobseeker_app", None, None),
)


def _settings() -> Settings:
    return Settings()


@app.command()
def migrate() -> None:
    """Create or upgrade every service's tables."""
    settings = _settings()
    for service in SERVICE_NAMES:
        engine = create_service_engine(settings, service)
        try:
            upgrade(service, engine)
        finally:
            engine.dispose()
        err.print(f"migrated {service}")


def _issue_demo_keys(settings: Settings) -> list[tuple[str, str, str]]:
    engine = create_service_engine(settings, "gateway")
    try:
        upgrade("gateway", engine)
        issued = []
        with unit_of_work(engine) as session:
            key_store.revoke_labelled(session, DEMO_LABEL)
            for role, office, org in DEMO_KEYS:
                key = key_store.create_key(
                    session,
                    role=role,
                    office=office,
                    org=org,
                    label=DEMO_LABEL,
                    expires_in=timedelta(days=7),
                )
                issued.append((role, office or org or "", key.key))
        return issued
    finally:
        engine.dispose()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Overrides ROUTEWAY_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides ROUTEWAY_PORT.")] = None,
) -> None:
    """Migrate, load demo data on first start, and serve the gateway (embedded services unless URLs are set)."""
    import uvicorn

    from gateway.app import create_app

    settings = _settings()
    if host:
        settings.host = host
    if port:
        settings.port = port
    configure_logging(settings.log_level, settings.log_json)
    migrate()
    if settings.demo_data:
        from gateway.demo import load_demo_data

        for line in load_demo_data(settings):
            err.print(line)
    url = f"http://{settings.host}:{settings.port}"
    print_demo_keys(Console(), url, _issue_demo_keys(settings))
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


def print_demo_keys(console: Console, url: str, keys: Iterable[tuple[str, str, str]]) -> None:
    """The URL and one demo key per role, one per line: never wrapped or cut, whatever the width."""
    console.print(f"Routeway at {url}  (docs: {url}/docs)", soft_wrap=True, highlight=False)
    console.print("demo keys (valid 7 days; shown once):", highlight=False)
    for role, scope, key in keys:
        console.print(f"  {role:<14} {scope or '-':<12} {key}", soft_wrap=True, highlight=False)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="admin | adviser | employer_hub | jobseeker_app")],
    office: Annotated[str | None, typer.Option(help="Office an adviser key is bound to.")] = None,
    org: Annotated[
        str | None, typer.Option(help="Organisation an employer_hub key is bound to.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="A note to recognise the key by.")] = None,
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="Expire after N days.")] = None,
) -> None:
    """Print a new key, and nothing else, on stdout."""
    settings = _settings()
    engine = create_service_engine(settings, "gateway")
    try:
        upgrade("gateway", engine)
        with unit_of_work(engine) as session:
            issued = key_store.create_key(
                session,
                role=role,
                office=office,
                org=org,
                label=label,
                expires_in=timedelta(days=expires_in_days) if expires_in_days else None,
            )
    except RoutewayError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(issued.key)


@keys_app.command("list")
def keys_list() -> None:
    """List keys (ids, roles, scopes, state; never secrets)."""
    settings = _settings()
    engine = create_service_engine(settings, "gateway")
    try:
        upgrade("gateway", engine)
        with unit_of_work(engine) as session:
            rows = key_store.list_keys(session)
    finally:
        engine.dispose()
    table = Table()
    for column in ("id", "role", "office", "org", "label", "created", "expires", "revoked"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id,
            r.role,
            r.office or "",
            r.org or "",
            r.label or "",
            str(r.created_at),
            str(r.expires_at or ""),
            str(r.revoked_at or ""),
        )
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id."""
    settings = _settings()
    engine = create_service_engine(settings, "gateway")
    try:
        with unit_of_work(engine) as session:
            key_store.revoke_key(session, key_id)
    except RoutewayError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    err.print(f"revoked {key_id}")


def _print_run(run: RunView, shown: int = 10) -> None:
    """The run's counts and its first rejects, for an operator."""
    console = Console()
    counts = ", ".join(f"{k} {v}" for k, v in asdict(run.counts).items())
    console.print(
        f"[bold]{run.id}[/bold] {run.source} ({run.format}, {run.mode}): {run.status}; {counts}"
    )
    if run.rejects:
        table = Table(
            title=f"first {min(shown, len(run.rejects))} of {run.counts.rejected} rejects"
        )
        for column in ("position", "external_id", "reason"):
            table.add_column(column)
        for reject in run.rejects[:shown]:
            table.add_row(
                str(reject["position"]), str(reject["external_id"] or ""), reject["reason"]
            )
        console.print(table)


def _engine_for(service: ServiceName) -> Engine:
    settings = _settings()
    engine = create_service_engine(settings, service)
    upgrade(service, engine)
    return engine


FeedFile = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="Feed file (.gz is read as gzip).")
]
SourceOption = Annotated[str, typer.Option(help="Source name: the feed's namespace of ids.")]
ModeOption = Annotated[str, typer.Option(help="delta, or snapshot to close what the feed omits.")]


def _ingest_file_into(
    service: ServiceName, file: Path, source: str, format: str, mode: str
) -> None:
    """Stream ``file`` into ``service``'s ingest code with a progress bar, then print the run."""
    from services.training import service as training
    from services.vacancies import service as vacancies

    ingest_feed = vacancies.ingest_feed if service == "vacancies" else training.ingest_feed
    engine = _engine_for(service)
    try:
        run = ingest_file(
            file,
            lambda stream, on_batch: ingest_feed(
                engine, stream, source=source, format=format, mode=mode, on_batch=on_batch
            ),
            f"{service} <- {file.name}",
        )
    except (RoutewayError, FeedError) as exc:
        err.print(f"[red]{getattr(exc, 'detail', exc)}[/red]")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    _print_run(run)


@ingest_app.command("vacancies")
def ingest_vacancies(
    file: FeedFile,
    source: SourceOption,
    format: Annotated[str, typer.Option(help="jobposting-jsonld | nhs-jobs-xml | csv")],
    mode: ModeOption = "delta",
) -> None:
    """Stream a vacancy feed file through the same ingest code as the API, with progress."""
    _ingest_file_into("vacancies", file, source, format, mode)


@ingest_app.command("courses")
def ingest_courses(
    file: FeedFile,
    source: SourceOption,
    format: Annotated[str, typer.Option(help="xcri-cap | json | csv | ifa-standards | dhsc-care")],
    mode: ModeOption = "delta",
) -> None:
    """Stream a course feed file through the same ingest code as the API, with progress."""
    _ingest_file_into("training", file, source, format, mode)


@reenrich_app.command("vacancies")
def reenrich_vacancies(
    source: Annotated[str | None, typer.Option(help="Only this source's vacancies.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Vacancies per transaction.")] = 500,
) -> None:
    """Run enrichment again on stored vacancies (after a taxonomy change), with progress."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from services.vacancies.reenrich import count_vacancies
    from services.vacancies.reenrich import reenrich_vacancies as reenrich

    engine = _engine_for("vacancies")
    try:
        columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err) as progress:
            task = progress.add_task("vacancies", total=count_vacancies(engine, source))
            counts = reenrich(
                engine,
                source=source,
                batch_size=batch_size,
                on_batch=lambda done: progress.update(task, completed=done.seen),
            )
    finally:
        engine.dispose()
    Console().print(f"{counts.seen} vacancies enriched again; {counts.changed} changed")


@pull_app.command("vacancies")
def pull_vacancies(
    url: Annotated[
        str, typer.Option(help="Feed URL (NHS Jobs search_xml, or a JSON-LD / CSV file).")
    ],
    source: Annotated[str, typer.Option(help="Source name.")],
    format: Annotated[
        str, typer.Option(help="nhs-jobs-xml | jobposting-jsonld | csv")
    ] = "nhs-jobs-xml",
    mode: Annotated[str, typer.Option(help="delta or snapshot.")] = "delta",
    max_pages: Annotated[int, typer.Option(min=1, help="Stop after this many pages.")] = 1000,
    every: Annotated[
        int | None,
        typer.Option(
            min=60, help="Keep pulling every N seconds (the scheduled job of distributed mode)."
        ),
    ] = None,
) -> None:
    """Pull a remote feed (retries, Retry-After, ETag, paging) and ingest it as one run."""
    import time

    while True:
        run = pull_and_ingest(
            _settings(), url=url, source=source, format=format, mode=mode, max_pages=max_pages
        )
        if run is None:
            err.print(f"{url}: not modified since the last pull")
        else:
            _print_run(run)
        if every is None:
            return
        time.sleep(every)


def pull_and_ingest(
    settings: Settings,
    *,
    url: str,
    source: str,
    format: str,
    mode: str = "delta",
    max_pages: int = 1000,
    client: httpx.AsyncClient | None = None,
) -> RunView | None:
    """Pull ``url`` and ingest it; ``None`` when the server says it has not changed (304)."""
    from services.vacancies import service as vacancies
    from services.vacancies.adapters.pull import PullError, fetch, pull_nhs_records

    state = PullState(settings.data_dir / "pull-state.json")

    async def download() -> tuple[list[Any] | None, bytes | None]:
        async with contextlib.AsyncExitStack() as stack:
            http = client
            if http is None:
                http = await stack.enter_async_context(httpx.AsyncClient(follow_redirects=True))
            if format == "nhs-jobs-xml":
                return [
                    item async for item in pull_nhs_records(http, url, max_pages=max_pages)
                ], None
            result = await fetch(http, url, etag=state.etag(url))
            if result.status == "not_modified":
                return None, None
            state.remember(url, result.etag)
            return None, result.body or b""

    try:
        items, body = asyncio.run(download())
    except PullError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from None
    if items is None and body is None:
        return None
    engine = create_service_engine(settings, "vacancies")
    try:
        upgrade("vacancies", engine)
        if items is not None:
            return vacancies.ingest_items(engine, items, source=source, format=format, mode=mode)
        return vacancies.ingest_feed(
            engine, io.BytesIO(body or b""), source=source, format=format, mode=mode
        )
    finally:
        engine.dispose()


@app.command("demo-data")
def demo_data(
    force: Annotated[bool, typer.Option(help="Load even if loaded before.")] = False,
) -> None:
    """Load the demo vacancies and courses (once, unless --force)."""
    from gateway.demo import load_demo_data

    for line in load_demo_data(_settings(), force=force):
        err.print(line)


def service_app(settings: Settings, service: ServiceName) -> Any:
    """The ASGI app of one service (or the gateway) on ``settings``, as its own process serves it."""
    if service == "gateway":
        from gateway.app import create_app as create_gateway_app

        return create_gateway_app(settings)
    from gateway.app import SERVICE_FACTORIES

    return SERVICE_FACTORIES[service](settings)


@app.command("serve-service")
def serve_service(
    service: Annotated[
        str | None,
        typer.Option(
            help="vacancies | training | matching | gateway; default ROUTEWAY_SERVICE_NAME."
        ),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Overrides ROUTEWAY_PORT.")] = None,
    host: Annotated[str | None, typer.Option(help="Overrides ROUTEWAY_HOST.")] = None,
) -> None:
    """Migrate and serve one service as its own process (distributed mode: one per container)."""
    import uvicorn

    settings = _settings()
    name = service or settings.service_name
    if name not in SERVICE_NAMES:
        err.print(f"[red]unknown service {name!r}; one of {', '.join(SERVICE_NAMES)}[/red]")
        raise typer.Exit(2)
    chosen: ServiceName = name
    settings.service_name = chosen
    if host:
        settings.host = host
    if port:
        settings.port = port
    configure_logging(settings.log_level, settings.log_json)
    engine = create_service_engine(settings, chosen)
    try:
        upgrade(chosen, engine)
    finally:
        engine.dispose()
    uvicorn.run(
        service_app(settings, chosen),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    app()
