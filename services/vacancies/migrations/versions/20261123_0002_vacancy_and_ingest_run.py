"""Vacancies and ingest runs.

Revision ID: vacancies_0002
Revises: vacancies_0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from services.common.ingest_runs import create_ingest_run_table
from services.common.models import UTCDateTime

revision = "vacancies_0002"
down_revision = "vacancies_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vacancy",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(256), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("employer", sa.String(512)),
        sa.Column("employer_type", sa.String(32)),
        sa.Column("sector", sa.String(16), nullable=False),
        sa.Column("role", sa.String(64)),
        sa.Column("soc_code", sa.String(4)),
        sa.Column("band", sa.String(8)),
        sa.Column("salary_text", sa.String(512)),
        sa.Column("salary_min", sa.Float()),
        sa.Column("salary_max", sa.Float()),
        sa.Column("salary_period", sa.String(8)),
        sa.Column("hours_per_week", sa.Float()),
        sa.Column("working_pattern", sa.JSON(), nullable=False),
        sa.Column("contract", sa.String(16)),
        sa.Column("postcode", sa.String(16)),
        sa.Column("locality", sa.String(256)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("region", sa.String(64)),
        sa.Column("lad_code", sa.String(9)),
        sa.Column("posted_at", UTCDateTime()),
        sa.Column("closing_date", sa.Date()),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("entry_level", sa.Boolean()),
        sa.Column("url", sa.String(1024)),
        sa.Column("category", sa.String(128)),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("role_confidence", sa.Float()),
        sa.Column("enriched_with", sa.String(32)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_vacancy"),
        sa.UniqueConstraint("source", "external_id", name="uq_vacancy_source_external_id"),
    )
    op.create_index("ix_vacancy_status_posted", "vacancy", ["status", "posted_at", "id"])
    op.create_index("ix_vacancy_lat_lon", "vacancy", ["lat", "lon"])
    for column in ("sector", "role", "band", "region", "closing_date", "entry_level"):
        op.create_index(f"ix_vacancy_{column}", "vacancy", [column])
    create_ingest_run_table()


def downgrade() -> None:
    op.drop_table("ingest_run")
    op.drop_table("vacancy")
