"""Alembic environment: the URL comes from the app configuration, the schema from SQLModel.metadata."""

from alembic import context
from sqlalchemy import pool

from marketplace.db import get_engine
from marketplace.dbtypes import UTCDateTime
from marketplace.models import metadata

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from marketplace.config import load_config

        url = str(load_config()["DATABASE_URL"])
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = _url()
    if url.startswith("sqlite"):
        engine = get_engine(url)
    else:
        from sqlalchemy import create_engine

        engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # A batch migration copies a table and drops the old one: other tables' foreign keys to it must not
            # stop it (they point to the copy once it is renamed).
            # On the driver's connection, before SQLAlchemy begins a transaction (inside one it does nothing).
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        _run(conn)
        conn.commit()
        if conn.dialect.name == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def render_item(type_, obj, autogen_context):
    """Write our column types as the plain SQLAlchemy types they store (migrations import no app code)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_item=render_item,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
