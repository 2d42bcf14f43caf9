"""Jobseekers (an office's caseload) and their referrals.

Revision ID: matching_0002
Revises: matching_0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from services.common.models import UTCDateTime

revision = "matching_0002"
down_revision = "matching_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobseeker",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("office", sa.String(64), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("skill_ids", sa.Text(), nullable=False),
        sa.Column("english_level", sa.String(8)),
        sa.Column("maths_level", sa.String(8)),
        sa.Column("qualifications", sa.JSON(), nullable=False),
        sa.Column("driving_licence", sa.JSON(), nullable=False),
        sa.Column("postcode_district", sa.String(8), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("region", sa.String(64)),
        sa.Column("lad_code", sa.String(9)),
        sa.Column("max_travel_km", sa.Float(), nullable=False),
        sa.Column("hours_per_week", sa.Float()),
        sa.Column("patterns", sa.JSON(), nullable=False),
        sa.Column("available_from", sa.Date()),
        sa.Column("age", sa.Integer()),
        sa.Column("unemployed_since", sa.Date()),
        sa.Column("consent_to_share", sa.Boolean(), nullable=False),
        sa.Column("consent_updated_at", UTCDateTime()),
        sa.Column("most_deprived_area", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_jobseeker"),
    )
    op.create_index(
        "ix_jobseeker_office_created", "jobseeker", ["office", "created_at", "id"]
    )
    op.create_index("ix_jobseeker_region", "jobseeker", ["region"])
    op.create_table(
        "referral",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("jobseeker_id", sa.String(40), nullable=False),
        sa.Column("office", sa.String(64), nullable=False),
        sa.Column("vacancy_id", sa.String(64)),
        sa.Column("course_id", sa.String(64)),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("organisation", sa.String(512), nullable=False),
        sa.Column("role", sa.String(64)),
        sa.Column("region", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_referral"),
        sa.ForeignKeyConstraint(
            ["jobseeker_id"],
            ["jobseeker.id"],
            name="fk_referral_jobseeker_id_jobseeker",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "(vacancy_id IS NULL) <> (course_id IS NULL)", name="ck_referral_one_target"
        ),
    )
    op.create_index("ix_referral_jobseeker_id", "referral", ["jobseeker_id"])
    op.create_index("ix_referral_vacancy_id", "referral", ["vacancy_id"])
    op.create_index("ix_referral_course_id", "referral", ["course_id"])
    op.create_index("ix_referral_office_created", "referral", ["office", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("referral")
    op.drop_table("jobseeker")
