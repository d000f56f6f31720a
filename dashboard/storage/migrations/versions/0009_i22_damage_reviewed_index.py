"""damage reports: an index on reviewed_at (the situation report's cache stamp reads its max)

Revision ID: 0009_i22
Revises: 0008
Create Date: 2026-12-08 04:40:00
"""

from alembic import op

revision = "0009_i22"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_damage_reports_reviewed_at", "damage_reports", ["reviewed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_damage_reports_reviewed_at", table_name="damage_reports")
