"""Test fixtures: a fresh database per run (SQLite, or PostgreSQL when MARKETPLACE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from marketplace import create_app
from marketplace.db import dispose_engine, get_engine, reader_engine
from marketplace.models import CatalogueVersion, metadata

PG_URL = os.environ.get("MARKETPLACE_TEST_DATABASE_URL")


def _admin_engine(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_pg_database(base_url: str, prefix: str = "mkt_test") -> str:
    """Create a uniquely named PostgreSQL database on the server of `base_url`; return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(base_url)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database need not wait for the disk at each commit (it is dropped at the end anyway).
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    engine.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    dispose_engine(url)
    name = make_url(url).database
    engine = _admin_engine(url)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One database for the whole run, with the current schema."""
    if PG_URL:
        url = create_pg_database(PG_URL)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    metadata.create_all(get_engine(url))
    yield url
    if PG_URL:
        drop_pg_database(url)
    else:
        dispose_engine(url)


def _empty_all_tables(url: str) -> None:
    engine = get_engine(url)
    with engine.begin() as conn:
        # Deleting the few rows a test leaves is much faster than TRUNCATE, which rewrites every table's files.
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(CatalogueVersion.__table__.insert().values(id=1, version=0))  # the row a new schema has
        if engine.dialect.name == "postgresql":  # ids start at 1 again, as after TRUNCATE ... RESTART IDENTITY
            for (sequence,) in conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")):
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "MAIL_DIR": str(tmp_path / "mail"),
        "SECRET_KEY": "test-secret-key-of-at-least-32-bytes",
        "PUBLIC_CACHE_SECONDS": 0,
        "TESTING": True,
    })
    yield app
    _empty_all_tables(database_url)


@pytest.fixture
def db(app):
    with Session(reader_engine(app.config["DATABASE_URL"]), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_META.search(html) or CSRF_FIELD.search(html)
    if match is None and path != "/login":
        # Public pages carry no token for visitors (they are cached); the login form always has one.
        return csrf_token(client, "/login")
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, email: str, password: str):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def factories(db):
    from tests import factories

    return factories.Factories(db)


def answer_resets(app) -> int:
    """Run the worker's answer to password reset requests, as `marketplace worker` does."""
    from marketplace.auth.services import answer_reset_requests
    from marketplace.db import get_engine

    with Session(get_engine(app.config["DATABASE_URL"]), expire_on_commit=False) as db, app.test_request_context():
        handled = answer_reset_requests(db)
        db.commit()
    return handled


def upcoming(weekday: int, weeks: int = 3):
    """A day of `weekday` (0: Monday) some weeks ahead: a booking date that is never in the past."""
    from datetime import date, timedelta

    start = date.today() + timedelta(weeks=weeks)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


MONDAY, SATURDAY, SUNDAY = upcoming(0), upcoming(5), upcoming(6)
