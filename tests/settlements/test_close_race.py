"""Closing a month while postings arrive, on PostgreSQL: none is left out of a settlement, none lands
in a closed month, and two closes of the same month make one set of settlements."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import create_engine, func
from sqlmodel import Session, select

from marketplace.ledger.models import LedgerLine, LedgerTransaction
from marketplace.ledger.rules import Line
from marketplace.ledger.services import of_cluster, owed_to, post
from marketplace.settlements.models import Settlement
from marketplace.settlements.services import close_period, statements
from tests.conftest import PG_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")]
POSTINGS = 30


def _grant(db, cluster_id: int, key: str) -> None:
    """1 € the federation owes the cluster, dated in October."""
    post(db, key, "Test", [Line(owed_to(cluster_id), credit_cents=100), Line(of_cluster(cluster_id, "467"), debit_cents=100),
                           Line(of_cluster(cluster_id, "706"), credit_cents=100),
                           Line("federation:411", debit_cents=100)], date(2026, 10, 15), "sale")


def test_postings_racing_a_close_are_all_settled_once(app, db, factories):
    cluster = factories.make_cluster()
    _grant(db, cluster.id, "seed")
    db.commit()
    engine = create_engine(app.config["DATABASE_URL"], pool_size=POSTINGS + 2, max_overflow=0)
    start = threading.Barrier(POSTINGS + 2)

    def work(i: int) -> str:
        with app.test_request_context(), Session(engine) as session:
            start.wait()
            if i < 2:
                result = close_period(session, "2026-10", date(2026, 11, 27))
                session.commit()
                return "again" if result.already_closed else "closed"
            _grant(session, cluster.id, f"race-{i}")
            session.commit()
            return "posted"

    try:
        with ThreadPoolExecutor(max_workers=POSTINGS + 2) as pool:
            outcomes = list(pool.map(work, range(POSTINGS + 2), timeout=120))
    finally:
        engine.dispose()
    assert sorted(outcomes[:2]) == ["again", "closed"]
    db.rollback()
    db.expire_all()
    [settlement] = db.exec(select(Settlement).where(Settlement.period == "2026-10")).all()
    in_october = db.exec(select(func.count()).select_from(LedgerTransaction)
                         .where(LedgerTransaction.period == "2026-10")).one()
    in_november = db.exec(select(func.count()).select_from(LedgerTransaction)
                          .where(LedgerTransaction.period == "2026-11")).one()
    assert in_october + in_november == POSTINGS + 1
    assert settlement.closing_cents == 100 * in_october  # every October posting is in the settlement
    november = statements(db, "2026-11")[cluster.id]
    assert november.closing_cents == 100 * (POSTINGS + 1) and november.balances
    lines = db.exec(select(func.count()).select_from(LedgerLine).where(LedgerLine.period == "2026-11")).one()
    assert lines == 4 * in_november
