"""Coworking passes take a desk of their day (capacity per day, not for good); books of tickets take none."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.orders import Billing, available_units, change_order_status, place_order
from marketplace.core.errors import Conflict, PricingError
from tests.conftest import MONDAY

BILLING = Billing("Studio", "compta@studio.fr", address="3 rue du Caire", postal_code="75002", city="Paris")


@pytest.fixture
def coworking(app, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(name="Silicon Test")
        offer = factories.make_offer(cluster, kind="coworking", capacity=3, list_price_cents=1000,
                                     prices_include_vat=True)
        factories.make_variant(offer, code="day", list_price_cents=1000, units=1)
        factories.make_variant(offer, code="book10_day", list_price_cents=9000, units=10)
        yield offer


def _buy(db, offer, quantity, options, key):
    cart = ensure_cart(db, None, None)
    add_to_cart(db, cart, offer.id, quantity, options, Viewer())
    order, _created = place_order(db, cart, Viewer(), None, BILLING, key, 30)
    db.commit()
    return order


def test_desks_are_counted_per_day_and_books_take_none(db, coworking):
    for n in range(4):  # 40 desks in books: a lifetime stock would be exhausted by the first
        _buy(db, coworking, 1, {"variant": "book10_day"}, f"book-{n}")
    first = _buy(db, coworking, 2, {"variant": "day", "date": MONDAY}, "monday-1")
    assert available_units(db, coworking, {"date": MONDAY}) == 1
    with pytest.raises((Conflict, PricingError)) as full:  # in the cart already
        _buy(db, coworking, 2, {"variant": "day", "date": MONDAY}, "monday-2")
    assert "Complet le" in full.value.message
    db.rollback()
    tuesday = MONDAY + timedelta(days=1)
    _buy(db, coworking, 3, {"variant": "day", "date": tuesday}, "tuesday")  # another day, all its desks
    change_order_status(db, first, "cancelled")
    db.commit()
    assert available_units(db, coworking, {"date": MONDAY}) == 3


def test_a_pass_for_a_past_day_is_refused_in_the_cart(db, coworking):
    with pytest.raises(PricingError) as past:
        add_to_cart(db, ensure_cart(db, None, None), coworking.id, 1,
                    {"variant": "day", "date": MONDAY - timedelta(weeks=8)}, Viewer())
    assert past.value.code == "past"


def test_the_live_quote_says_when_the_day_is_full(client, db, coworking):
    _buy(db, coworking, 3, {"variant": "day", "date": MONDAY}, "all-of-monday")
    page = client.get(f"/offers/{coworking.id}/quote?variant=day&date={MONDAY.isoformat()}").get_data(as_text=True)
    assert "Complet le" in page
    other = client.get(f"/offers/{coworking.id}/quote?variant=day&date={(MONDAY + timedelta(days=1)).isoformat()}")
    assert "Complet" not in other.get_data(as_text=True) and "Ajouter au panier" in other.get_data(as_text=True)
    book = client.get(f"/offers/{coworking.id}/quote?variant=book10_day&date={MONDAY.isoformat()}")
    assert "Ajouter au panier" in book.get_data(as_text=True)
