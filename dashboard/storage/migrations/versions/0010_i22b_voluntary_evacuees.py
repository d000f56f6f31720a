"""Shelter status: うち自主避難 (voluntary evacuees, optional)

Revision ID: 0010_i22b
Revises: 0010_i23b
Create Date: 2026-12-08 05:15:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010_i22b'
down_revision = '0010_i23b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('shelter_statuses', sa.Column('voluntary_evacuees', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shelter_statuses') as batch_op:
        batch_op.drop_column('voluntary_evacuees')
