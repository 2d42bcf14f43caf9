"""Providers, courses, presentations, what courses teach and lead to, ingest runs.

Revision ID: training_0002
Revises: training_0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from services.common.ingest_runs import create_ingest_run_table
from services.common.models import UTCDateTime

revision = "training_0002"
down_revision = "training_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("ukprn", sa.String(8)),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("postcode", sa.String(16)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("region", sa.String(64)),
        sa.Column("url", sa.String(1024)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_provider"),
    )
    op.create_index("ix_provider_ukprn", "provider", ["ukprn"])
    op.create_table(
        "course",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(256), nullable=False),
        sa.Column("provider_id", sa.String(40), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("qualification_type", sa.String(24), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("entry_sublevel", sa.Integer()),
        sa.Column("ofqual_ref", sa.String(16)),
        sa.Column("standard_ref", sa.String(8)),
        sa.Column("subject", sa.String(256)),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("grants", sa.JSON(), nullable=False),
        sa.Column("leads_to", sa.JSON(), nullable=False),
        sa.Column("entry_requirements", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(16)),
        sa.Column("attendance", sa.String(16)),
        sa.Column("duration_weeks", sa.Float()),
        sa.Column("hours_per_week", sa.Float()),
        sa.Column("guided_learning_hours", sa.Float()),
        sa.Column("cost", sa.Float()),
        sa.Column("funding", sa.String(32)),
        sa.Column("funding_eligibility", sa.Text()),
        sa.Column("max_funding", sa.Float()),
        sa.Column("postcode", sa.String(16)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("region", sa.String(64)),
        sa.Column("url", sa.String(1024)),
        sa.Column("next_start", sa.Date()),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name="fk_course_provider_id_provider"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_course"),
        sa.UniqueConstraint("source", "external_id", name="uq_course_source_external_id"),
    )
    op.create_index("ix_course_lat_lon", "course", ["lat", "lon"])
    for column in (
        "provider_id",
        "qualification_type",
        "level",
        "standard_ref",
        "mode",
        "attendance",
        "funding",
        "region",
        "next_start",
        "status",
    ):
        op.create_index(f"ix_course_{column}", "course", [column])
    op.create_table(
        "presentation",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("course_id", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(256), nullable=False),
        sa.Column("start_date", sa.Date()),
        sa.Column("end_date", sa.Date()),
        sa.Column("duration_weeks", sa.Float()),
        sa.Column("hours_per_week", sa.Float()),
        sa.Column("attendance", sa.String(16)),
        sa.Column("mode", sa.String(16)),
        sa.Column("cost", sa.Float()),
        sa.Column("places", sa.Integer()),
        sa.Column("venue_name", sa.String(256)),
        sa.Column("venue_postcode", sa.String(16)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name="fk_presentation_course_id_course"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_presentation"),
    )
    op.create_index("ix_presentation_course_id", "presentation", ["course_id"])
    op.create_index("ix_presentation_start_date", "presentation", ["start_date"])
    for table, column in (("course_skill", "skill_id"), ("course_role", "role_id")):
        op.create_table(
            table,
            sa.Column("course_id", sa.String(40), nullable=False),
            sa.Column(column, sa.String(64), nullable=False),
            sa.ForeignKeyConstraint(
                ["course_id"], ["course.id"], name=f"fk_{table}_course_id_course"
            ),
            sa.PrimaryKeyConstraint("course_id", column, name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_{column}", table, [column])
    create_ingest_run_table()


def downgrade() -> None:
    for table in (
        "ingest_run",
        "course_role",
        "course_skill",
        "presentation",
        "course",
        "provider",
    ):
        op.drop_table(table)
