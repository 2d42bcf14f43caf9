"""The service's transactional outbox.

Revision ID: matching_0001
Create Date: 2026-11-23
"""

from services.common.migrations import create_outbox_table

revision = "matching_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_table()


def downgrade() -> None:
    from alembic import op

    op.drop_table("outbox")
