"""Alembic migrations, one history per service, run by ``routeway migrate`` and on ``serve``.

Each service keeps its revisions in ``services/<name>/migrations/versions`` with a two-line
``env.py`` calling :func:`run_env`. Revisions are written by hand (``op.create_table`` with the
naming convention from ``services.common.models``) and must run on SQLite (batch mode) and
PostgreSQL alike; a test migrates both.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy.engine import Engine

from services.common.settings import ServiceName

_ROOT = Path(__file__).resolve().parents[2]


def migrations_dir(service: ServiceName) -> Path:
    """Where ``service`` keeps its Alembic environment."""
    base = _ROOT / "gateway" if service == "gateway" else _ROOT / "services" / service
    return base / "migrations"


def alembic_config(service: ServiceName, engine: Engine) -> Config:
    """An Alembic config for ``service`` that runs on ``engine``'s connection."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(service)))
    config.attributes["engine"] = engine
    return config


def upgrade(service: ServiceName, engine: Engine, revision: str = "head") -> None:
    """Bring ``service``'s tables up to ``revision``."""
    command.upgrade(alembic_config(service, engine), revision)


def run_env() -> None:
    """Body of every service's ``env.py``: run online on the engine the caller passed in."""
    engine: Engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=None,
            render_as_batch=engine.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


def create_outbox_table() -> None:
    """Create the service's ``outbox`` table (called from each service's first revision)."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "outbox",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
    )
