"""Above a room's grid, a quote request: staff propose a price, the requester accepts it and books at that price."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.core.timeutil import paris_today
from marketplace.mail.models import OutboxEmail
from marketplace.rooms.models import RoomBooking, RoomQuote
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.rooms.test_booking import room  # noqa: F401


def test_a_large_group_asks_staff_propose_the_requester_accepts_and_books(app, client, db, room):  # noqa: F811
    offer = room["offer"]
    offer.room_quote_above, offer.room_quote_minimum_cents = 50, 250_000
    db.add(offer)
    db.commit()
    day = paris_today() + timedelta(days=20)
    page = client.get(f"/offers/{offer.id}?date={day.isoformat()}&slot=full_day&people=150")
    assert "Demander un devis" in page.get_data(as_text=True)
    sent = client.post(f"/rooms/{offer.id}/quote-request", data={
        "day": day.isoformat(), "slot": "full_day", "people": "150", "name": "Grande Conférence SAS",
        "email": "events@conf.fr", "message": "Plénière et cocktail.", "csrf_token": csrf_token(client)})
    assert sent.status_code == 303
    db.rollback()
    quote = db.exec(select(RoomQuote)).one()
    login(client, room["staff"].email, PASSWORD)
    base = f"/console/clusters/salles/rooms/{offer.id}/quotes/{quote.id}"
    low = client.post(base, data={"price": "1000", "csrf_token": csrf_token(client)})
    assert low.status_code == 422 and "minimum" in low.get_data(as_text=True)
    assert client.post(base, data={"price": "3 200", "note": "Traiteur en sus.",
                                   "csrf_token": csrf_token(client)}).status_code == 303
    db.rollback()
    mail = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == "events@conf.fr")).one()
    link = re.search(r"(/rooms/quotes/\d+\?t=\S+)", mail.body_text).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert client.get(f"/rooms/quotes/{quote.id}?t=faux").status_code == 404
    assert "3 200,00" in client.get(link).get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    accepted = client.post(link, data={"answer": "accept", "csrf_token": csrf_token(client)})
    assert accepted.status_code == 303, accepted.get_data(as_text=True)[-3000:]
    assert accepted.headers["Location"].endswith("/cart")
    html = client.get("/checkout").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    placed = client.post("/checkout", data={"billing_name": "Grande Conférence SAS", "billing_email": "events@conf.fr",
                                            "billing_address": "1 rue", "billing_postal_code": "75002",
                                            "billing_city": "Paris", "accept_terms": "y", "idempotency_key": key,
                                            "csrf_token": csrf_token(client, "/checkout")})
    assert placed.status_code == 303
    db.rollback()
    order = db.exec(select(Order)).one()
    assert order.total_excl_cents == 320_000 and len(db.exec(select(RoomBooking)).all()) == 2
