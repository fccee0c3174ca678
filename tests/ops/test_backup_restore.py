"""deploy/backup.sh and deploy/restore.sh: a backup of the demo federation restores into an empty database with
every row, its migrations at head and its ledger balanced; a database that has tables is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, create_pg_database, drop_pg_database

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TABLES = ("cluster", "organization", "membership", "offer", '"order"', "orderline", "invoice", "ledgertransaction",
          "ledgerline", "settlement", "outboxemail", "budget", "budgetline")


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in TABLES}
    engine.dispose()
    return counts


@pytest.mark.skipif(not PG_URL, reason="pg_dump and pg_restore work on PostgreSQL")
def test_a_backup_restores_whole_and_checked(tmp_path):
    source, target = create_pg_database(PG_URL, "mkt_backup"), create_pg_database(PG_URL, "mkt_restore")
    env = {**os.environ, "MARKETPLACE_DATABASE_URL": source, "MARKETPLACE_INSTANCE_PATH": str(tmp_path),
           "MARKETPLACE_SECRET_KEY": "test-secret-key-of-at-least-32-bytes", "PATH": f"{Path(sys.executable).parent}:"
                                                                                   f"{os.environ['PATH']}"}
    try:
        for command in (["marketplace", "db", "upgrade"], ["marketplace", "load-demo"]):
            subprocess.run(command, env=env, check=True, capture_output=True)
        dump = tmp_path / "federation.dump"
        backup = subprocess.run([str(DEPLOY / "backup.sh"), source, str(dump)], env=env, capture_output=True, text=True)
        assert backup.returncode == 0, backup.stderr
        restore = subprocess.run([str(DEPLOY / "restore.sh"), str(dump), target], env=env, capture_output=True,
                                 text=True)
        assert restore.returncode == 0, restore.stderr
        assert "restored into" in restore.stdout
        before, after = _counts(source), _counts(target)
        assert after == before and before["ledgerline"] > 0 and before["budget"] > 0
        again = subprocess.run([str(DEPLOY / "restore.sh"), str(dump), target], env=env, capture_output=True,
                               text=True)
        assert again.returncode == 1 and "already has" in again.stderr
    finally:
        drop_pg_database(source)
        drop_pg_database(target)
