"""PostgreSQL: NOTIFY dashboard_changes after every write to the audit log or the deliveries

Every write through the services records an audit entry, so a statement-level trigger on the
audit log (and on directive deliveries, whose 了解 is the directive path's own change) wakes
the app processes that LISTEN (``dashboard.services.changes.notify``) at once, instead of at
their next poll of the data version. SQLite has no NOTIFY: nothing to do there.

Revision ID: 0009_i19
Revises: 0009_i23
Create Date: 2026-12-08 04:40:00
"""

from alembic import op

revision = '0009_i19'
down_revision = '0009_i23'
branch_labels = None
depends_on = None

CHANNEL = "dashboard_changes"
TABLES = {"audit_log": "INSERT", "directive_deliveries": "INSERT OR UPDATE"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION dashboard_notify_change() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    for table, events in TABLES.items():
        op.execute(
            f"CREATE TRIGGER {table}_notify_change AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION dashboard_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS dashboard_notify_change()")
