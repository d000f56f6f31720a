"""LINE WORKS bot: replies waiting for a retry

Revision ID: 0010_i23b
Revises: 0009_i19
Create Date: 2026-12-08 05:05:00
"""

from alembic import op
import sqlalchemy as sa
import dashboard.storage.models


revision = '0010_i23b'
down_revision = '0009_i19'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bot_outgoing_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('created_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', dashboard.storage.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bot_outgoing_replies'))
    )
    with op.batch_alter_table('bot_outgoing_replies', schema=None) as batch_op:
        batch_op.create_index('ix_bot_outgoing_replies_due', ['next_attempt_at'], unique=False)
        batch_op.create_index('ix_bot_outgoing_replies_user', ['user_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bot_outgoing_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_bot_outgoing_replies_user')
        batch_op.drop_index('ix_bot_outgoing_replies_due')
    op.drop_table('bot_outgoing_replies')
