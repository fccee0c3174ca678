"""PostgreSQL: the same ticket scanned at two entrances at once (here ten) is admitted once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from marketplace.events.models import Event, Ticket
from marketplace.events.tickets import scan
from tests.conftest import PG_URL
from tests.events.test_tickets import buy_and_pay

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")]
ENTRANCES = 10


def test_concurrent_scans_of_one_code_admit_it_once(app, db, show, factories):
    buy_and_pay(app, db, show, ["Alice Martin"])
    staff = factories.make_staff(show["cluster"], "manager", email="entree@salon.fr")
    db.rollback()
    code = db.exec(select(Ticket.code)).one()
    engine = create_engine(app.config["DATABASE_URL"], pool_size=ENTRANCES, max_overflow=0)
    start = threading.Barrier(ENTRANCES)

    def entrance(_n: int) -> str:
        with app.test_request_context(), Session(engine) as session:
            event = session.get(Event, show["event"].id)
            start.wait()
            outcome = scan(session, event, code, staff.id).outcome
            session.commit()
            return outcome

    try:
        with ThreadPoolExecutor(max_workers=ENTRANCES) as pool:
            outcomes = list(pool.map(entrance, range(ENTRANCES), timeout=60))
    finally:
        engine.dispose()
    assert outcomes.count("admitted") == 1 and outcomes.count("already") == ENTRANCES - 1
