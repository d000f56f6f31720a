"""shelter registry: stable registry id per municipality, source, kept columns, unknown capacity;
staff accounts' LINE WORKS id and must-change-password flag

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 22:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shelters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_code', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('registry_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('attributes', sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.alter_column('capacity', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(
            'uq_shelters_registry_id', ['municipality_code', 'kind', 'registry_id']
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lineworks_user_id', sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column(
                'must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('must_change_password', existing_type=sa.Boolean(),
                              server_default=None)
    # The default only filled existing rows; the model supplies the value from now on.
    with op.batch_alter_table('shelters', schema=None) as batch_op:
        batch_op.alter_column('attributes', existing_type=sa.JSON(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('lineworks_user_id')
    op.execute("UPDATE shelters SET capacity = 0 WHERE capacity IS NULL")
    with op.batch_alter_table('shelters', schema=None) as batch_op:
        batch_op.drop_constraint('uq_shelters_registry_id', type_='unique')
        batch_op.alter_column('capacity', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('attributes')
        batch_op.drop_column('source')
        batch_op.drop_column('registry_id')
        batch_op.drop_column('municipality_code')
