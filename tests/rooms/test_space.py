"""How a room is run: opening hours, closed days and the time kept free between bookings are refused with a
clear message (web and API); the availability calendar shows free and taken slots (staff see who booked);
staff subscribe to the bookings' .ics feed; twenty parallel requests for one slot make one booking (PG)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time

import pytest
from icalendar import Calendar
from sqlalchemy import create_engine
from sqlmodel import Session, func, select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Cart, CartLine, Order
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.errors import Conflict, PricingError
from marketplace.core.kinds import dump_options
from marketplace.rooms.calendar import feed_token
from marketplace.rooms.models import RoomBooking, RoomClosure, RoomHours, RoomSpace
from tests.conftest import MONDAY, PG_URL, SATURDAY, SUNDAY, csrf_token, login
from tests.factories import PASSWORD
from tests.rooms.test_booking import room  # noqa: F401

BILLING = Billing("Studio", "compta@studio.fr", address="3 rue du Caire", postal_code="75002", city="Paris")


def _book(db, offer, options, key):
    cart = ensure_cart(db, key, None)
    add_to_cart(db, cart, offer.id, 1, options, Viewer())
    order, _created = place_order(db, cart, Viewer(), None, BILLING, key, 30)
    db.commit()
    return order


@pytest.fixture
def run(app, db, room):  # noqa: F811
    """Open 9:00–18:00 on weekdays, 10:00–16:00 on Saturdays, closed on Sundays; 90 minutes between bookings."""
    offer = room["offer"]
    db.add(RoomSpace(offer_id=offer.id, capacity=50, buffer_minutes=90))
    db.add_all([RoomHours(offer_id=offer.id, weekday=day, opens=time(9), closes=time(22)) for day in range(5)])
    db.add(RoomHours(offer_id=offer.id, weekday=5, opens=time(10), closes=time(16)))
    db.add(RoomClosure(offer_id=offer.id, day=MONDAY, reason="Travaux"))
    db.commit()
    return room


def test_closed_days_hours_and_the_buffer_are_refused_with_their_reason(app, db, run, client):
    offer = run["offer"]
    with app.test_request_context():
        for options, words in (({"date": MONDAY, "slot": "half_day", "people": 10}, "fermée le"),
                               ({"date": SUNDAY, "slot": "half_day", "people": 10}, "fermée le dimanche"),
                               ({"date": SATURDAY, "slot": "full_day", "people": 10}, "horaires d'ouverture")):
            with pytest.raises(PricingError) as refused:
                add_to_cart(db, ensure_cart(db, None, None), offer.id, 1, options, Viewer())
            assert refused.value.code == "closed" and words in refused.value.message
        db.rollback()
    day = SATURDAY.fromordinal(MONDAY.toordinal() + 1)  # a Tuesday
    with app.test_request_context():
        _book(db, offer, {"date": day, "slot": "half_day", "half": "afternoon", "people": 10}, "afternoon")
        with pytest.raises(PricingError, match="90 minutes"):  # 18:00 → 19:00 is too close
            add_to_cart(db, ensure_cart(db, "evening", None), offer.id, 1,
                        {"date": day, "slot": "evening", "people": 10}, Viewer())
        db.rollback()
    answer = client.post("/api/v1/quotes", json={"offer_id": offer.id, "options": {
        "date": day.isoformat(), "slot": "evening", "people": 10}})
    assert answer.status_code == 422 and "90 minutes" in answer.get_json()["error"]["message"]
    sunday = client.post("/api/v1/quotes", json={"offer_id": offer.id, "options": {
        "date": SUNDAY.isoformat(), "slot": "half_day", "people": 10}})
    assert sunday.status_code == 422 and sunday.get_json()["error"]["code"] == "closed"


def test_the_calendar_shows_free_and_taken_and_staff_see_who(app, client, db, run):
    offer = run["offer"]
    day = MONDAY.fromordinal(MONDAY.toordinal() + 1)
    with app.test_request_context():
        _book(db, offer, {"date": day, "slot": "full_day", "people": 10}, "full")
    page = client.get(f"/rooms/{offer.id}/calendar?start={day.isoformat()}").get_data(as_text=True)
    assert 'class="slot slot-taken"' in page and 'class="slot slot-free"' in page and "slot-closed" in page
    assert "Studio" not in page  # the public sees free or taken, not who
    login(client, run["staff"].email, PASSWORD)
    staff = client.get(f"/console/clusters/salles/rooms/{offer.id}?start={day.isoformat()}").get_data(as_text=True)
    assert "Studio" in staff
    feed = client.get(f"/rooms/{offer.id}/bookings.ics?token={feed_token_for(app, offer.id)}")
    entries = Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(entries) == 2 and "Studio" in str(entries[0]["summary"])  # morning and afternoon blocks
    assert client.get(f"/rooms/{offer.id}/bookings.ics?token=faux").status_code == 404


def feed_token_for(app, offer_id: int) -> str:
    with app.test_request_context():
        return feed_token(offer_id)


def test_staff_set_hours_closures_and_the_policy(app, client, db, run):
    offer = run["offer"]
    login(client, run["staff"].email, PASSWORD)
    base = f"/console/clusters/salles/rooms/{offer.id}"
    bad = client.post(f"{base}/hours", data={"hours": "lundi 9h-18h\nfunday 10:00-12:00",
                                             "csrf_token": csrf_token(client)})
    assert bad.status_code == 422 and "Ligne 2" in bad.get_data(as_text=True)
    assert client.post(f"{base}/hours", data={"hours": "lundi 9h-18h\nmardi 08:30-20:00",
                                              "csrf_token": csrf_token(client)}).status_code == 303
    assert client.post(f"{base}/settings", data={"capacity": "80", "buffer_minutes": "30", "cancel_free_days": "7",
                                                 "cancel_fee": "25", "horizon_days": "180",
                                                 "csrf_token": csrf_token(client)}).status_code == 303
    db.rollback()
    db.expire_all()
    assert {h.weekday: (h.opens, h.closes) for h in db.exec(select(RoomHours).where(RoomHours.offer_id == offer.id))} \
        == {0: (time(9), time(18)), 1: (time(8, 30), time(20))}
    space = db.get(RoomSpace, offer.id)
    assert (space.buffer_minutes, space.cancel_free_days, space.cancel_fee_bps, space.horizon_days) == (30, 7, 2500, 180)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="MARKETPLACE_TEST_DATABASE_URL not set")
def test_twenty_parallel_requests_for_one_slot_make_one_booking(app, db, run):
    offer = run["offer"]
    day = MONDAY.fromordinal(MONDAY.toordinal() + 2)
    engine = create_engine(app.config["DATABASE_URL"], pool_size=20, max_overflow=0)
    with Session(engine) as setup:
        carts = []
        for i in range(20):
            cart = Cart(token=f"room-race-{i}")
            setup.add(cart)
            setup.flush()
            slot = "full_day" if i % 2 else "half_day"  # a morning and a full day conflict too
            setup.add(CartLine(cart_id=cart.id, offer_id=offer.id, quantity=1,
                               options_json=dump_options({"date": day, "slot": slot, "people": 10})))
            carts.append(cart.id)
        setup.commit()
    start = threading.Barrier(20)

    def book(i: int) -> str:
        with app.test_request_context(), Session(engine) as session:
            start.wait()
            try:
                place_order(session, session.get(Cart, carts[i]), Viewer(), None, BILLING, f"room-race-{i}", 30)
                session.commit()
                return "ok"
            except Conflict:
                session.rollback()
                return "refused"

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(book, range(20), timeout=120))
    finally:
        engine.dispose()
    assert outcomes.count("ok") == 1
    db.rollback()
    assert db.exec(select(func.count(Order.id))).one() == 1
    assert {b.block for b in db.exec(select(RoomBooking))} <= {"morning", "afternoon"}


def test_the_offer_page_tells_capacity_hours_and_the_cancellation_policy_before_booking(client, run):
    html = client.get(f"/offers/{run['offer'].id}").get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "50 personnes" in html
    assert "Lundi – vendredi : 09:00 – 22:00" in html and "Samedi : 10:00 – 16:00" in html and "Dimanche" not in html
    assert "Gratuite jusqu'à 14 jours avant la date, puis frais de 50 % du prix." in html.replace("&#39;", "'")


def _slots(page: str) -> list[str]:
    return re.findall(r'class="slot slot-(\w+)"', page)


def test_the_offer_page_calendar_shows_a_booking_or_a_closure_at_once(app, client, db, run):
    offer = run["offer"]
    day = MONDAY.fromordinal(MONDAY.toordinal() + 1)
    path = f"/offers/{offer.id}?start={day.isoformat()}"
    before = _slots(client.get(path).get_data(as_text=True))
    assert before == _slots(client.get(f"/rooms/{offer.id}/calendar?start={day.isoformat()}").get_data(as_text=True))
    db.rollback()
    with app.test_request_context():
        _book(db, offer, {"date": day, "slot": "full_day", "people": 10}, "full")
    booked = _slots(client.get(path).get_data(as_text=True))
    assert booked.count("taken") > before.count("taken")
    db.add(RoomClosure(offer_id=offer.id, day=day.fromordinal(day.toordinal() + 1), reason="Inventaire"))
    db.commit()
    closed = _slots(client.get(path).get_data(as_text=True))
    assert closed.count("closed") > booked.count("closed")
    assert closed == _slots(client.get(f"/rooms/{offer.id}/calendar?start={day.isoformat()}").get_data(as_text=True))
