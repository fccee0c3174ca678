"""Migrations build the schema from empty, and agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from marketplace.db import dispose_engine, get_engine
from marketplace.migrate import upgrade
from marketplace.models import metadata
from tests.conftest import PG_URL, create_pg_database, drop_pg_database


def _assert_schema_matches_models(url: str) -> None:
    engine = get_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
        tables = set(inspect(conn).get_table_names())
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {t.name for t in metadata.sorted_tables} <= tables


def test_upgrade_head_on_empty_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    upgrade(url)
    _assert_schema_matches_models(url)
    upgrade(url)  # a second upgrade is a no-op
    dispose_engine(url)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")
def test_upgrade_head_on_empty_postgresql():
    url = create_pg_database(PG_URL, prefix="mkt_migr")
    try:
        upgrade(url)
        _assert_schema_matches_models(url)
    finally:
        drop_pg_database(url)
