"""A room is booked for a slot to come, once: a taken slot is said at once in the live quote and the API,
a past or started slot is refused in the quote, the cart and checkout; the grid's people bands never overlap."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart, price_cart
from marketplace.checkout.models import CartLine
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.errors import PricingError
from marketplace.core.kinds import dump_options
from marketplace.core.timeutil import paris_today
from tests.conftest import MONDAY, csrf_token, login
from tests.factories import PASSWORD

BILLING = Billing("Studio", "compta@studio.fr", address="3 rue du Caire", postal_code="75002", city="Paris")


@pytest.fixture
def room(app, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="salles", name="Salles")
        offer = factories.make_offer(cluster, kind="room", list_price_cents=20000, member_discount_bps=3000)
        for slot, low, high, cents in (("full_day", 1, 20, 100_000), ("full_day", 21, 50, 150_000),
                                       ("half_day", 1, 50, 60_000), ("evening", 1, 50, 40_000)):
            factories.make_room_rate(offer, day_type="any", slot=slot, min_people=low, max_people=high,
                                     list_price_cents=cents)
        staff = factories.make_staff(cluster, "manager", email="gestion@salles.fr")
    # Outside the request context: each request of the test client gets its own `g`, as in production.
    return dict(offer=offer, cluster=cluster, staff=staff)


def _book(db, offer, options, key):
    cart = ensure_cart(db, None, None)
    add_to_cart(db, cart, offer.id, 1, options, Viewer())
    order, _created = place_order(db, cart, Viewer(), None, BILLING, key, 30)
    db.commit()
    return order


def test_a_taken_slot_is_said_at_once_in_the_live_quote_and_the_api(client, db, room):
    offer = room["offer"]
    _book(db, offer, {"date": MONDAY, "slot": "full_day", "people": 10}, "first")
    quote = client.get(f"/offers/{offer.id}/quote?date={MONDAY.isoformat()}&slot=evening&people=10")
    assert "Ajouter au panier" in quote.get_data(as_text=True)  # the evening is another block
    taken = client.get(f"/offers/{offer.id}/quote?date={MONDAY.isoformat()}&slot=full_day&people=10")
    assert "déjà réservé" in html.unescape(taken.get_data(as_text=True))
    assert "Ajouter au panier" not in taken.get_data(as_text=True)
    api = client.post("/api/v1/quotes", json={"offer_id": offer.id, "options": {
        "date": MONDAY.isoformat(), "slot": "half_day", "people": 10}})
    assert api.status_code == 422 and api.get_json()["error"]["code"] == "taken"


def test_a_past_or_started_slot_is_refused_in_the_quote_the_cart_and_checkout(client, db, room):
    offer = room["offer"]
    yesterday = paris_today() - timedelta(days=1)
    quote = client.get(f"/offers/{offer.id}/quote?date={yesterday.isoformat()}&slot=evening&people=10")
    assert "déjà commencé" in html.unescape(quote.get_data(as_text=True))
    with pytest.raises(PricingError) as refused:
        add_to_cart(db, ensure_cart(db, "v", None), offer.id, 1,
                    {"date": yesterday, "slot": "evening", "people": 10}, Viewer())
    assert refused.value.code == "past"
    # a line that was fine when added and whose slot has passed since is refused at checkout
    cart = ensure_cart(db, "late", None)
    db.add(CartLine(cart_id=cart.id, offer_id=offer.id, quantity=1,
                    options_json=dump_options({"date": yesterday, "slot": "evening", "people": 10})))
    db.flush()
    assert "déjà commencé" in price_cart(db, cart, Viewer())[0].problem
    with pytest.raises(Exception, match="déjà commencé"):
        place_order(db, cart, Viewer(), None, BILLING, "late-key", 30)


def test_the_console_refuses_a_band_that_overlaps_and_says_how_bands_follow(client, db, room):
    login(client, room["staff"].email, PASSWORD)
    url = f"/console/clusters/salles/offers/{room['offer'].id}"
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "1 à 20, 21 à 50, 51 à 100" in page
    data = {"rate_day_type": "any", "rate_slot": "full_day", "rate_min_people": "20", "rate_max_people": "40",
            "rate_price": "1200", "csrf_token": csrf_token(client, url)}
    response = client.post(url + "/rates", data=data)
    assert response.status_code == 422
    assert "chevauche celle de 1 à 20" in html.unescape(response.get_data(as_text=True))
    ok = client.post(url + "/rates", data={**data, "rate_min_people": "51", "rate_max_people": "100"})
    assert ok.status_code == 303


def test_the_public_grid_shows_bands_that_follow_each_other(client, room):
    page = html.unescape(client.get(f"/offers/{room['offer'].id}").get_data(as_text=True))
    assert "1 à 20" in page and "21 à 50" in page
