"""Alembic environment: migrate the connection app.db hands over, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

# Imported for their tables, which join Base.metadata.
import app.cases.models
import app.cases.records
import app.drafts.models
import app.notifications.models  # noqa: F401
from app.db import make_engine
from app.registry.models import Base

config = context.config
# A caller may compare against other metadata (the tests do, to prove that
# ``alembic check`` notices a difference).
target_metadata = config.attributes.get("target_metadata", Base.metadata)


def run_migrations(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )

    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Use the caller's connection if there is one, else the configured URL."""
    connection = config.attributes.get("connection")

    if connection is not None:
        run_migrations(connection)
        return

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")

    with engine.connect() as own_connection:
        run_migrations(own_connection)
        own_connection.commit()

    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")

run_online()
