"""Orders: prices frozen, one order per idempotency key, stock held and released, rooms never double-booked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from stdnum import iso11649

from marketplace.catalogue.models import OfferStock
from marketplace.catalogue.search import Viewer, viewer_for
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import CartLine, Order, OrderLine
from marketplace.checkout.orders import (
    Billing,
    available_units,
    change_order_status,
    expire_orders,
    place_order,
)
from marketplace.core.errors import Conflict, Invalid, PricingError
from marketplace.rooms.models import RoomBooking
from tests.conftest import MONDAY

BILLING = Billing("Usinage Test", "achats@usinage.fr", address="1 rue de la Paix", postal_code="75002",
                  city="Paris")
NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


@pytest.fixture
def ctx(app, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(name="Silicon Test")
        yield dict(cluster=cluster, f=factories)


VISITOR = Viewer()


def _order(db, offers_and_options, viewer=VISITOR, key="k1", user_id=None):
    cart = ensure_cart(db, None, user_id)
    for offer, quantity, options in offers_and_options:
        add_to_cart(db, cart, offer.id, quantity, options, viewer)
    order, created = place_order(db, cart, viewer, user_id, BILLING, key, 30, now=NOW)
    db.commit()
    return order


def test_order_freezes_prices_and_later_changes_do_not_touch_it(db, ctx):
    offer = ctx["f"].make_offer(ctx["cluster"], list_price_cents=95000, member_price_cents=69000)
    order = _order(db, [(offer, 2, {})])
    assert (order.total_excl_cents, order.total_vat_cents, order.total_incl_cents) == (190000, 38000, 228000)
    offer.list_price_cents = 10
    db.add(offer)
    db.commit()
    line = db.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
    assert (line.unit_price_cents, line.excl_cents, line.incl_cents) == (95000, 190000, 228000)


def test_order_number_and_structured_reference(db, ctx):
    order = _order(db, [(ctx["f"].make_offer(ctx["cluster"]), 1, {})])
    assert order.number == f"C2026-{order.id:06d}"
    assert iso11649.is_valid(order.payment_reference)
    assert order.status == "pending_payment" and order.hold_expires_at == NOW + timedelta(minutes=30)


def test_double_submit_with_the_same_key_makes_one_order(db, ctx):
    offer = ctx["f"].make_offer(ctx["cluster"], kind="event_ticket", capacity=5)
    cart = ensure_cart(db, None, None)
    add_to_cart(db, cart, offer.id, 2, {}, Viewer())
    first, created = place_order(db, cart, Viewer(), None, BILLING, "same-key", 30, now=NOW)
    db.commit()
    again, created_again = place_order(db, cart, Viewer(), None, BILLING, "same-key", 30, now=NOW)
    assert created and not created_again and again.id == first.id
    assert len(db.exec(select(Order)).all()) == 1
    assert db.get(OfferStock, offer.id).held_units == 2


def test_sold_out_is_refused_and_nothing_is_written(db, ctx):
    offer = ctx["f"].make_offer(ctx["cluster"], kind="stand", capacity=2)
    cart = ensure_cart(db, "visitor", None)
    add_to_cart(db, cart, offer.id, 1, {}, Viewer())  # in the cart while stands were left...
    db.commit()
    _order(db, [(offer, 2, {})], key="a")  # ...then someone else takes the last two
    with pytest.raises(PricingError):  # adding it now is refused at once
        add_to_cart(db, ensure_cart(db, "late", None), offer.id, 1, {}, Viewer())
    db.rollback()
    with pytest.raises(Conflict) as refused:
        place_order(db, cart, Viewer(), None, BILLING, "b", 30, now=NOW)
    db.rollback()
    assert "Complet" in refused.value.message and "0 place" in refused.value.message
    assert len(db.exec(select(Order)).all()) == 1
    assert db.exec(select(CartLine).where(CartLine.cart_id == cart.id)).one().quantity == 1
    assert available_units(db, offer) == 0


def test_expiry_and_cancellation_release_the_stock(db, ctx):
    offer = ctx["f"].make_offer(ctx["cluster"], kind="event_ticket", capacity=10)
    first = _order(db, [(offer, 3, {})], key="a")
    second = _order(db, [(offer, 2, {})], key="b")
    assert available_units(db, offer) == 5
    assert expire_orders(db, NOW + timedelta(minutes=29)) == 0
    assert expire_orders(db, NOW + timedelta(minutes=31)) == 2
    db.commit()
    assert {db.get(Order, first.id).status, db.get(Order, second.id).status} == {"expired"}
    assert available_units(db, offer) == 10
    third = _order(db, [(offer, 4, {})], key="c")
    change_order_status(db, third, "cancelled")
    db.commit()
    assert available_units(db, offer) == 10
    with pytest.raises(Conflict):
        change_order_status(db, third, "paid")  # a cancelled order cannot be paid


def test_paid_orders_keep_their_stock(db, ctx):
    offer = ctx["f"].make_offer(ctx["cluster"], kind="event_ticket", capacity=10)
    order = _order(db, [(offer, 3, {})])
    change_order_status(db, order, "paid")
    db.commit()
    assert expire_orders(db, NOW + timedelta(days=1)) == 0
    assert available_units(db, offer) == 7


def _room(ctx):
    room = ctx["f"].make_offer(ctx["cluster"], kind="room", list_price_cents=22000, member_discount_bps=3000)
    for day_type, slot, low, high, euros in (("any", "evening", 1, 100, 400), ("weekday", "full_day", 1, 100, 2400),
                                             ("weekday", "half_day", 1, 100, 1000)):
        ctx["f"].make_room_rate(room, day_type=day_type, slot=slot, min_people=low, max_people=high,
                                list_price_cents=euros * 100)
    return room


def test_a_room_slot_cannot_be_booked_twice(db, ctx):
    room = _room(ctx)
    monday = MONDAY
    _order(db, [(room, 1, {"date": monday, "slot": "full_day", "people": 60})], key="a")
    for slot in ("full_day", "half_day"):
        cart = ensure_cart(db, f"v-{slot}", None)
        with pytest.raises(PricingError) as refused:  # said at once, in the cart
            add_to_cart(db, cart, room.id, 1, {"date": monday, "slot": slot, "people": 30}, Viewer())
        db.rollback()
        assert "déjà réservé" in refused.value.message
    evening = _order(db, [(room, 1, {"date": monday, "slot": "evening", "people": 30})], key="evening")
    assert evening.total_excl_cents == 40000
    assert len(db.exec(select(RoomBooking)).all()) == 3  # morning, afternoon, evening


def test_an_expired_room_booking_frees_the_slot(db, ctx):
    room = _room(ctx)
    monday = MONDAY
    _order(db, [(room, 1, {"date": monday, "slot": "half_day", "people": 30})], key="a")
    expire_orders(db, NOW + timedelta(hours=1))
    db.commit()
    again = _order(db, [(room, 1, {"date": monday, "slot": "half_day", "people": 30})], key="b")
    assert again.status == "pending_payment"


def test_empty_cart_and_unsellable_lines_are_refused(db, ctx):
    with pytest.raises(Invalid):
        place_order(db, ensure_cart(db, None, None), Viewer(), None, BILLING, "empty", 30, now=NOW)
    action = ctx["f"].make_offer(ctx["cluster"], kind="collective_action", members_only=True)
    with pytest.raises(Invalid):
        add_to_cart(db, ensure_cart(db, None, None), action.id, 1, {}, Viewer())


def test_a_sponsor_member_of_the_sponsored_cluster_waits_for_review(db, ctx):
    f, cluster = ctx["f"], ctx["cluster"]
    sponsorship = f.make_offer(cluster, kind="sponsorship", capacity=2, list_price_cents=1500000)
    insider = f.make_organization()
    f.make_membership(insider, cluster, year=2026)
    outsider = f.make_organization()
    held = _order(db, [(sponsorship, 1, {})], viewer_for(db, insider.id, 2026), key="insider")
    free = _order(db, [(sponsorship, 1, {})], viewer_for(db, outsider.id, 2026), key="outsider")
    assert (held.status, free.status) == ("awaiting_approval", "pending_payment")
    assert expire_orders(db, NOW + timedelta(days=1)) == 1  # only the unpaid, unreviewed-free one


def test_a_refused_status_change_is_told_in_words(app, db, factories):
    with app.test_request_context():
        order = factories.make_order(factories.make_offer(factories.make_cluster()), status="paid")
        with pytest.raises(Conflict) as refused:
            change_order_status(db, order, "pending_payment")
    assert refused.value.message == "Une commande « Payée » ne peut pas devenir « En attente de paiement »."
