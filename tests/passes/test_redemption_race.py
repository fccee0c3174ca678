"""PostgreSQL: ten uses sent at the same moment of a book with three tickets left: exactly three succeed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, update
from sqlmodel import Session, select

from marketplace.core.errors import Conflict
from marketplace.passes.models import PassBook
from marketplace.passes.services import redeem
from tests.conftest import PG_URL
from tests.passes.conftest import buy_book

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")]
TRIES = 10


def test_ten_concurrent_uses_of_three_tickets_left(app, db, space):
    buy_book(app, db, space["offer"])
    db.rollback()
    book_id = db.exec(select(PassBook.id)).one()
    db.exec(update(PassBook).where(PassBook.id == book_id).values(used_units=7))
    db.commit()
    engine = create_engine(app.config["DATABASE_URL"], pool_size=TRIES, max_overflow=0)
    start = threading.Barrier(TRIES)

    def use(_n: int) -> str:
        with app.test_request_context(), Session(engine) as session:
            book = session.get(PassBook, book_id)
            start.wait()
            try:
                redeem(session, book, None, by_staff=True)
                session.commit()
                return "ok"
            except Conflict:
                session.rollback()
                return "refused"

    try:
        with ThreadPoolExecutor(max_workers=TRIES) as pool:
            outcomes = list(pool.map(use, range(TRIES), timeout=60))
    finally:
        engine.dispose()
    assert outcomes.count("ok") == 3
    db.rollback()
    db.expire_all()
    assert db.get(PassBook, book_id).used_units == 10
