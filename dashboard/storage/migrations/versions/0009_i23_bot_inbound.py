"""LINE WORKS bot: inbound event queue and conversations

Revision ID: 0009_i23
Revises: 0009_i21
Create Date: 2026-12-08 04:40:00
"""

from alembic import op
import sqlalchemy as sa
import dashboard.storage.models


revision = '0009_i23'
down_revision = '0009_i21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bot_inbound_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('issued_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('done_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bot_inbound_events')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_bot_inbound_events_dedupe_key'))
    )
    with op.batch_alter_table('bot_inbound_events', schema=None) as batch_op:
        batch_op.create_index('ix_bot_inbound_events_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_bot_inbound_events_user', ['user_id', 'id'], unique=False)

    op.create_table('bot_conversations',
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_bot_conversations'))
    )


def downgrade() -> None:
    op.drop_table('bot_conversations')
    with op.batch_alter_table('bot_inbound_events', schema=None) as batch_op:
        batch_op.drop_index('ix_bot_inbound_events_user')
        batch_op.drop_index('ix_bot_inbound_events_due')
    op.drop_table('bot_inbound_events')
