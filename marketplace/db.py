"""Database engines (one per URL) and the request's session on flask.g.

One request is one transaction, owned by the view: a writing view commits once at the end,
and teardown rolls back whatever did not commit.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app, g, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from .core.errors import NotFound

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, a busy timeout, and BEGIN IMMEDIATE so writers serialise.

    Read-only work (GET requests) binds with `sqlite_begin="DEFERRED"` and never takes the write lock.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - exercised by every test
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


# A pooled connection that rested longer than this is checked (one round trip) before a request gets it: after a
# database restart or a network cut while idle, the request gets a new connection instead of an error. One in
# steady use is not checked at every request (pool_pre_ping's price: a round trip per request).
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_rested_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _rests(_dbapi_connection, record):
        if record is not None:
            record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, _proxy):
        rested_since = record.info.get("rested_since")
        if rested_since is None or time.monotonic() - rested_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool drops it and tries another
            raise


def get_engine(url: str) -> Engine:
    """Return the process-wide engine for `url`, creating it once."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
                _configure_sqlite(engine)
            else:
                engine = create_engine(url, pool_size=5, max_overflow=10)
                _ping_rested_connections(engine)
            _engines[url] = engine
        return engine


def dispose_engine(url: str) -> None:
    """Close the pooled connections of `url` (tests drop their databases after this)."""
    with _lock:
        engine = _engines.pop(url, None)
        for alone in (False, True):
            _readers.pop((url, alone), None)
    if engine is not None:
        engine.dispose()


_readers: dict[tuple[str, bool], Engine] = {}


def reader_engine(url: str, statements_alone: bool = False) -> Engine:
    """The engine for read-only work: on SQLite its transactions do not take the write lock. With
    `statements_alone`, on PostgreSQL each statement runs on its own (autocommit): no BEGIN and ROLLBACK round trips
    around a view that only reads, and under READ COMMITTED each statement had its own snapshot anyway."""
    key = (url, statements_alone)
    if key not in _readers:
        options = {"sqlite_begin": "DEFERRED"}
        if statements_alone and not url.startswith("sqlite"):
            options["isolation_level"] = "AUTOCOMMIT"
        _readers[key] = get_engine(url).execution_options(**options)
    return _readers[key]


def reads_only(view):
    """Mark a view that never writes (put it right under the route): its statements run without a transaction."""
    view.reads_only = True
    return view


def get_db() -> Session:
    """The request's session, opened on first use; safe methods (GET, HEAD) only read."""
    if "db" not in g:
        url = current_app.config["DATABASE_URL"]
        if request.method in ("GET", "HEAD", "OPTIONS"):
            view = current_app.view_functions.get(request.endpoint)
            engine = reader_engine(url, getattr(view, "reads_only", False))
        else:
            engine = get_engine(url)
        g.db = Session(engine, expire_on_commit=False)
    return g.db


def _close_db(_exc: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.rollback()
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close_db)


def get_owned(db: Session, model, row_id: int, not_found: str, **owner):
    """The row `row_id` of `model` if it exists and belongs to `owner` (e.g. offer_id=3); NotFound(not_found)
    otherwise, whether it is missing or someone else's, so nothing of another's rows is revealed."""
    row = db.get(model, row_id)
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        raise NotFound(not_found)
    return row
