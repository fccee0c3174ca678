"""Races against PostgreSQL: many buyers, few units; nothing oversold, nothing left inconsistent."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func
from sqlmodel import Session, select

from marketplace.catalogue.models import OfferStock
from marketplace.catalogue.search import Viewer
from marketplace.checkout.models import Cart, CartLine, Order, OrderLine
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.errors import Conflict
from tests.conftest import PG_URL

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")]
BUYERS = 40


def _race(app, offer_ids_per_buyer: list[list[int]]) -> list[str]:
    """Each buyer's cart holds one unit of each listed offer; all place their order at once."""
    engine = create_engine(app.config["DATABASE_URL"], pool_size=BUYERS, max_overflow=0)
    with Session(engine) as db:
        carts = []
        for i, offer_ids in enumerate(offer_ids_per_buyer):
            cart = Cart(token=f"race-{i}")
            db.add(cart)
            db.flush()
            db.add_all(CartLine(cart_id=cart.id, offer_id=offer_id, quantity=1) for offer_id in offer_ids)
            carts.append(cart.id)
        db.commit()
    start = threading.Barrier(len(carts))

    def buy(i: int) -> str:
        with app.test_request_context(), Session(engine) as db:
            cart = db.get(Cart, carts[i])
            start.wait()
            try:
                place_order(db, cart, Viewer(), None, Billing("Acheteur", f"a{i}@exemple.fr"), f"race-{i}", 30)
                db.commit()
                return "ok"
            except Conflict as exc:
                db.rollback()
                return "retry" if "réessayez" in exc.message else "sold_out"

    try:
        with ThreadPoolExecutor(max_workers=len(carts)) as pool:
            return list(pool.map(buy, range(len(carts)), timeout=120))
    finally:
        engine.dispose()


def test_forty_buyers_race_for_the_last_ten_units(app, db, factories):
    cluster = factories.make_cluster()
    offer = factories.make_offer(cluster, kind="event_ticket", capacity=10, list_price_cents=4500)
    outcomes = _race(app, [[offer.id]] * BUYERS)
    assert outcomes.count("ok") == 10
    assert outcomes.count("sold_out") == BUYERS - 10
    db.rollback()
    assert db.exec(select(func.count(Order.id))).one() == 10
    assert db.exec(select(func.sum(OrderLine.units))).one() == 10
    assert db.get(OfferStock, offer.id).held_units == 10
    assert db.exec(select(func.count(CartLine.id))).one() == BUYERS - 10  # losers keep their carts


def test_last_unit_of_several_offers_bought_together_no_deadlock(app, db, factories):
    cluster = factories.make_cluster()
    offers = [factories.make_offer(cluster, kind="stand", capacity=1, list_price_cents=290000) for _ in range(3)]
    ids = [o.id for o in offers]
    carts = [random.Random(i).sample(ids, len(ids)) for i in range(BUYERS)]  # lines in every order
    outcomes = _race(app, carts)
    assert outcomes.count("ok") == 1
    assert set(outcomes) <= {"ok", "sold_out", "retry"}
    db.rollback()
    order = db.exec(select(Order)).one()
    assert sorted(line.offer_id for line in db.exec(select(OrderLine).where(OrderLine.order_id == order.id))) \
        == sorted(ids)
    assert [db.get(OfferStock, i).held_units for i in ids] == [1, 1, 1]


def test_invoice_numbers_stay_gapless_under_concurrent_payments(app, db, factories):
    from datetime import date

    from marketplace.checkout.cart import add_to_cart, ensure_cart
    from marketplace.invoicing.models import Invoice
    from marketplace.payments.services import record_manual_payment

    cluster = factories.make_cluster(slug="gapless")
    offer = factories.make_offer(cluster, list_price_cents=1000)
    staff = factories.make_user("caisse@federation.fr", is_platform_admin=True)
    with app.test_request_context():
        order_ids = []
        for i in range(20):
            cart = ensure_cart(db, f"pay-{i}", None)
            add_to_cart(db, cart, offer.id, 1, {}, Viewer())
            order, _ = place_order(db, cart, Viewer(), None, Billing("B", f"b{i}@exemple.fr"), f"pay-{i}", 30)
            order_ids.append(order.id)
        db.commit()
    engine = create_engine(app.config["DATABASE_URL"], pool_size=20, max_overflow=0)
    start = threading.Barrier(len(order_ids))

    def pay(order_id: int) -> None:
        with app.test_request_context(), Session(engine) as session:
            order = session.get(Order, order_id)
            start.wait()
            record_manual_payment(session, order, order.total_incl_cents, date(2026, 11, 30), staff.id)
            session.commit()

    try:
        with ThreadPoolExecutor(max_workers=len(order_ids)) as pool:
            list(pool.map(pay, order_ids, timeout=120))
    finally:
        engine.dispose()
    db.rollback()
    sequences = sorted(db.exec(select(Invoice.sequence).where(Invoice.cluster_id == cluster.id)).all())
    assert sequences == list(range(1, 21))


def test_a_buyer_stuck_behind_a_lock_is_told_to_try_again(app, db, factories):
    """While another transaction holds the stock row, a buyer gives up after the lock timeout."""
    from sqlalchemy import text

    from marketplace.catalogue.models import OfferStock

    cluster = factories.make_cluster()
    offer = factories.make_offer(cluster, kind="event_ticket", capacity=5)
    db.add(OfferStock(offer_id=offer.id, held_units=0))
    db.commit()
    engine = create_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as blocker, Session(engine) as buyer, app.test_request_context():
            blocker.execute(text("SELECT * FROM offerstock WHERE offer_id = :id FOR UPDATE"), {"id": offer.id})
            cart = Cart(token="stuck")
            buyer.add(cart)
            buyer.flush()
            buyer.add(CartLine(cart_id=cart.id, offer_id=offer.id, quantity=1))
            buyer.flush()
            started = time.monotonic()
            with pytest.raises(Conflict) as refused:
                place_order(buyer, cart, Viewer(), None, Billing("B", "b@exemple.fr"), "stuck-key", 30)
            assert "réessayez" in refused.value.message
            assert time.monotonic() - started < 30
            buyer.rollback()
            blocker.rollback()
    finally:
        engine.dispose()
    db.rollback()
    assert db.exec(select(func.count(Order.id))).one() == 0
