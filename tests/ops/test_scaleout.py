"""bench/scaleout.py at small size: two app servers on one PostgreSQL, one killed mid-sale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "scaleout.py"


@pytest.mark.skipif(not PG_URL or "127.0.0.1:5432" not in PG_URL,
                    reason="needs the PostgreSQL server of 127.0.0.1:5432 (the script creates its database there)")
def test_a_node_killed_mid_sale_loses_and_duplicates_nothing():
    run = subprocess.run([sys.executable, str(SCRIPT), "--orders", "48", "--capacity", "20", "--concurrency", "8"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FAIL" not in run.stdout and run.stdout.count("PASS") == 6
    assert "accepted 20 " in run.stdout and "places held 20 of 20" in run.stdout
