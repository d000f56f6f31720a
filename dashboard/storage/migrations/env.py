"""Alembic environment: runs on the connection handed over by ``dashboard.storage.migrate``."""

from alembic import context

from dashboard.storage.db import make_engine
from dashboard.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # plain `alembic` command line: use the URL from the settings
    from dashboard.settings import get_settings

    with make_engine(get_settings().resolved_database_url).begin() as conn:
        _run(conn)
