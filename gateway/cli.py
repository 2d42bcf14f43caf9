"""The ``routeway`` command: serve, migrate, manage keys, load demo data, ingest and pull feeds."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gateway import keys as key_store
from services.common.db import create_service_engine, unit_of_work
from services.common.errors import RoutewayError
from services.common.logging import configure_logging
from services.common.migrations import upgrade
from services.common.settings import SERVICE_NAMES, Settings

app = typer.Typer(help="Routeway: routes into NHS and social-care work.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

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
    url = f"http://{settings.host}:{settings.port}"
    table = Table(title=f"Routeway at {url}  (docs: {url}/docs)")
    table.add_column("role")
    table.add_column("office / org")
    table.add_column("demo key (valid 7 days; shown once)")
    for role, scope, key in _issue_demo_keys(settings):
        table.add_row(role, scope, key)
    Console().print(table)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


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


if __name__ == "__main__":
    app()
