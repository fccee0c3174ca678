"""PostgreSQL: sixty buyers at once for two ticket types sharing twenty seats get exactly twenty tickets."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func
from sqlmodel import Session, select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.models import Cart, CartLine, Order, OrderLine
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.errors import Conflict
from marketplace.events.models import EventQuota
from tests.conftest import PG_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")]
BUYERS = 60


def test_sixty_buyers_two_ticket_types_one_quota_of_twenty(app, db, show):
    engine = create_engine(app.config["DATABASE_URL"], pool_size=BUYERS, max_overflow=0)
    with Session(engine) as setup:
        carts = []
        for i in range(BUYERS):
            cart = Cart(token=f"race-{i}")
            setup.add(cart)
            setup.flush()
            offer = show["day"] if i % 2 else show["both"]
            setup.add(CartLine(cart_id=cart.id, offer_id=offer.id, quantity=1))
            carts.append(cart.id)
        setup.commit()
    start = threading.Barrier(BUYERS)

    def buy(i: int) -> str:
        with app.test_request_context(), Session(engine) as session:
            start.wait()
            for _attempt in range(10):  # a buyer told to try again in a moment does
                try:
                    place_order(session, session.get(Cart, carts[i]), Viewer(), None,
                                Billing("Visiteur", f"v{i}@exemple.fr"), f"race-{i}", 30)
                    session.commit()
                    return "ok"
                except Conflict as exc:
                    session.rollback()
                    if "réessayez" not in exc.message:
                        return "sold_out"
            return "gave_up"

    try:
        with ThreadPoolExecutor(max_workers=BUYERS) as pool:
            outcomes = list(pool.map(buy, range(BUYERS), timeout=180))
    finally:
        engine.dispose()
    assert outcomes.count("ok") == 20 and outcomes.count("sold_out") == BUYERS - 20
    db.rollback()
    db.expire_all()
    assert db.exec(select(func.count(Order.id))).one() == 20
    assert db.exec(select(func.sum(OrderLine.units))).one() == 20
    assert db.get(EventQuota, show["quota"].id).held_units == 20
