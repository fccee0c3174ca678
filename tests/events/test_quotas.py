"""An event's ticket types share quotas (a ticket needs room in each), never oversold; sales follow the event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Order
from marketplace.checkout.orders import Billing, change_order_status, place_order
from marketplace.core.errors import Conflict, PricingError
from marketplace.events.models import Event, EventQuota
from marketplace.events.services import EventInput, add_quota, change_status, save_event
from marketplace.events.stock import QUOTAS


def _buy(db, lines, key: str) -> Order:
    cart = ensure_cart(db, key, None)
    for offer, quantity in lines:
        add_to_cart(db, cart, offer.id, quantity, {}, Viewer())
    order, _ = place_order(db, cart, Viewer(), None, Billing("Visiteur", f"{key}@exemple.fr"), key, 30)
    db.commit()
    return order


def _held(db, quota_id: int) -> int:
    db.rollback()
    db.expire_all()
    return db.get(EventQuota, quota_id).held_units


def test_two_ticket_types_share_their_quota_and_get_it_back(app, db, show):
    with app.test_request_context():
        first = _buy(db, [(show["day"], 15)], "a")
        with pytest.raises((Conflict, PricingError)):  # 15 + 6 > 20, whichever type asks
            _buy(db, [(show["both"], 6)], "b")
        db.rollback()
        _buy(db, [(show["both"], 5)], "c")
        assert _held(db, show["quota"].id) == 20
        assert QUOTAS.available(db, show["day"], {}) == 0
        change_order_status(db, db.get(Order, first.id), "expired")  # an unpaid order gives its seats back
        db.commit()
        assert _held(db, show["quota"].id) == 5
        assert QUOTAS.available(db, show["both"], {}) == 15


def test_the_event_capacity_is_a_quota_of_every_ticket(app, db, show):
    event = show["event"]
    with app.test_request_context():
        _buy(db, [(show["day"], 4)], "a")
        data = EventInput(event.slug, event.title_fr, event.title_en, event.summary_fr, event.summary_en, "", "",
                          event.venue, event.city, event.starts_at, event.ends_at, 6)
        save_event(db, show["cluster"], db.get(Event, event.id), data)  # counts the 4 seats already held
        db.commit()
        assert QUOTAS.available(db, show["both"], {}) == 2
        with pytest.raises(Conflict):  # the capacity can never go below what is sold
            save_event(db, show["cluster"], db.get(Event, event.id),
                       EventInput(**{**data.__dict__, "capacity": 3}))
        db.rollback()
        with pytest.raises(Conflict):  # nor a new quota below what its tickets already hold
            add_quota(db, db.get(Event, event.id), "Pass 1 jour", 3, [show["day"].id])


def test_a_stand_type_has_its_own_number(app, db, show):
    with app.test_request_context():
        for key in "abc":
            _buy(db, [(show["stand"], 1)], key)
        with pytest.raises((Conflict, PricingError)):
            _buy(db, [(show["stand"], 1)], "d")


@pytest.mark.parametrize("status", ["draft", "sales_closed"])
def test_sales_follow_the_event(app, db, show, status, client):
    event = db.get(Event, show["event"].id)
    with app.test_request_context():
        change_status(db, event, "sales_closed")
        if status == "draft":
            change_status(db, event, "published")
            change_status(db, event, "draft")
        db.commit()
        with pytest.raises(PricingError) as refused:
            _buy(db, [(show["day"], 1)], "late")
    assert refused.value.code == "sales_closed"
    assert client.get("/events/salon-test").status_code == (404 if status == "draft" else 200)


def test_the_event_page_and_the_agenda(client, db, show):
    page = client.get("/events/salon-test").get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "Pass 1 jour" in page and "Pass 2 jours" in page and "Stand 9 m²" in page
    assert "Adhérents : 0,00 €" in page and "Plus que 3 places" in page  # the stands, few left
    assert "Cluster du Salon" in page and "18:00" in page
    agenda = client.get("/events").get_data(as_text=True)
    assert agenda.count("Salon test") == 1 and "Pass 1 jour" not in agenda  # the event, not its offers
    assert client.get("/events/nowhere").status_code == 404


def test_an_ended_event_leaves_the_agenda(client, db, show):
    event = db.get(Event, show["event"].id)
    event.starts_at = datetime.now(UTC) - timedelta(days=3)
    event.ends_at = datetime.now(UTC) - timedelta(days=2)
    db.add(event)
    db.commit()
    assert "Salon test" not in client.get("/events").get_data(as_text=True)
    assert db.exec(select(Event)).first() is not None
