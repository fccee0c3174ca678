"""Waiting lists hand a place that came back to the next person, in turn; cancelling an event refunds every
order once and tells everyone; calendars read back with icalendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlmodel import func, select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Order
from marketplace.checkout.orders import Billing, change_order_status, place_order
from marketplace.core.errors import Conflict
from marketplace.core.timeutil import utcnow
from marketplace.events.cancellation import cancel_event
from marketplace.events.models import Event, Ticket, WaitlistEntry
from marketplace.events.services import add_quota
from marketplace.events.waitlist import join_waitlist
from marketplace.mail.models import OutboxEmail
from marketplace.payments.models import Refund
from tests.conftest import csrf_token
from tests.events.test_tickets import buy_and_pay


def _fresh(db):
    db.rollback()
    db.expire_all()


@pytest.fixture
def tiny(app, db, show):
    """Two places left for the day pass: its own quota of two."""
    with app.test_request_context():
        add_quota(db, db.get(Event, show["event"].id), "Pass 1 jour", 2, [show["day"].id])
        db.commit()
    return show


def _worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_place_that_comes_back_goes_to_the_next_person_in_turn(app, client, db, tiny):
    first = buy_and_pay(app, db, tiny, ["A"], key="full-1")
    buy_and_pay(app, db, tiny, ["B"], key="full-2")  # sold out now
    page = client.get("/events/salon-test").get_data(as_text=True)
    assert "Liste d'attente" in page.replace("&#39;", "'")
    for name in ("Zoé", "Yann"):
        answer = client.post("/events/salon-test/waitlist", data={
            "offer_id": tiny["day"].id, "name": name, "email": f"{name.lower()}@exemple.fr",
            "csrf_token": csrf_token(client)})
        assert answer.status_code == 303
    with app.test_request_context(), pytest.raises(Conflict):  # places left: no waiting list for that one
        join_waitlist(db, db.get(Event, tiny["event"].id), tiny["both"], "X", "x@exemple.fr")
    _worker(app)
    _fresh(db)
    assert db.exec(select(func.count(WaitlistEntry.id)).where(WaitlistEntry.status == "waiting")).one() == 2
    with app.test_request_context():  # one of the two orders is refunded: its place comes back
        order = db.get(Order, first.id)
        change_order_status(db, order, "refunded")
        db.commit()
    _worker(app)
    _worker(app)  # twice: still one place, one offer
    _fresh(db)
    zoe, yann = db.exec(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
    assert (zoe.status, yann.status) == ("offered", "waiting")
    held = db.get(Order, zoe.order_id)
    assert held.status == "pending_payment" and held.billing_email == "zoé@exemple.fr".lower()
    mail = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == held.billing_email)).one()
    assert held.number in mail.body_text and "réservée jusqu'au" in mail.body_text
    held.hold_expires_at = utcnow() - timedelta(minutes=1)  # Zoé does not pay in time
    db.add(held)
    db.commit()
    _worker(app)
    _fresh(db)
    zoe, yann = db.exec(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
    assert (zoe.status, yann.status) == ("withdrawn", "offered")


def test_cancelling_an_event_refunds_once_and_tells_everyone(app, db, show, factories):
    paid = buy_and_pay(app, db, show, ["Alice"], key="paid")
    second = buy_and_pay(app, db, show, ["Bruno"], key="second")
    with app.test_request_context():
        cart = ensure_cart(db, "unpaid", None)
        add_to_cart(db, cart, show["both"].id, 1, {}, Viewer())
        unpaid, _ = place_order(db, cart, Viewer(), None, Billing("Claire", "claire@exemple.fr"), "unpaid", 30)
        db.commit()
        staff = factories.make_staff(show["cluster"], "admin", email="admin@salon.fr")
        event = db.get(Event, show["event"].id)
        done = cancel_event(db, event, "Salle indisponible.", staff.id, app.config, utcnow())
        db.commit()
        assert (done.refunded, done.cancelled) == (2, 1)
        assert done.refunded_cents == paid.total_incl_cents + second.total_incl_cents
        with pytest.raises(Conflict):
            cancel_event(db, db.get(Event, event.id), "Encore", staff.id, app.config, utcnow())
        db.rollback()
    _fresh(db)
    assert db.exec(select(func.count(Refund.id))).one() == 2  # once each, not twice
    assert {db.get(Order, o.id).status for o in (paid, second)} == {"refunded"}
    assert db.get(Order, unpaid.id).status == "cancelled"
    assert {t.status for t in db.exec(select(Ticket))} == {"void"}
    told = db.exec(select(OutboxEmail).where(OutboxEmail.subject.contains("Annulation"))).all()
    assert len(told) == 3 and "Salle indisponible." in told[0].body_text


def test_calendars_read_back(client, db, show):
    event = Calendar.from_ical(client.get("/events/salon-test.ics").data)
    (entry,) = event.walk("VEVENT")
    assert str(entry["summary"]) == "Salon test" and entry.decoded("dtstart") == show["event"].starts_at
    assert "Parc des expositions" in str(entry["location"])
    feed = Calendar.from_ical(client.get("/clusters/salon/events.ics").data)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Salon test"]
