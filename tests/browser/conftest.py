"""Browser tests drive the pages in Chromium; what they check does not depend on the database, whose own
behaviour (locks, races, constraints) the PostgreSQL tests cover: they run once, on SQLite."""

from __future__ import annotations

import pytest

from tests.conftest import PG_URL


def pytest_collection_modifyitems(config, items):
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="browser tests run on SQLite (the pages do not depend on the database)")
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)
