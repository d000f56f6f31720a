"""login hardening: throttle failed logins per user name and client instead of locking accounts

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-30 23:40:00
"""

import sqlalchemy as sa
from alembic import op

import dashboard.storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_failed_at", dashboard.storage.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "retry_after", dashboard.storage.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("key", name=op.f("uq_login_throttles_key")),
    )


def downgrade() -> None:
    op.drop_table("login_throttles")
