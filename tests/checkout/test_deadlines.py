"""Payment deadlines: a transfer keeps seats for days (never past the event), a service has a payment term, a card
keeps a short hold; the buyer is reminded before the deadline, once per reminder; a partial payment shows what is
left to pay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from marketplace.checkout.deadlines import end_of_paris_day, payment_deadline, remind_unpaid
from marketplace.checkout.models import Order, OrderLine
from marketplace.checkout.orders import expire_orders
from marketplace.core.timeutil import PARIS, utcnow
from marketplace.events.models import Event
from marketplace.mail.models import OutboxEmail
from marketplace.payments.services import record_manual_payment
from tests.api.test_api_orders import BUYER
from tests.events.conftest import show  # noqa: F401
from tests.payments.conftest import fake_stripe, stripe_app  # noqa: F401

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _order(client, db, offer, key: str, **line) -> Order:
    response = client.post("/api/v1/orders", json={"lines": [{"offer_id": offer.id, **line}], "buyer": BUYER,
                                                   "idempotency_key": f"deadline-test-{key}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    db.rollback()
    return db.exec(select(Order).where(Order.number == response.get_json()["number"])).one()


def test_a_transfer_keeps_seats_seven_days_and_a_service_has_thirty(client, db, factories, show):  # noqa: F811
    ticket = _order(client, db, show["both"], "ticket-by-transfer", attendees=[{"name": "Ana"}])
    assert ticket.holds_stock and ticket.hold_expires_at == end_of_paris_day(ticket.created_at + timedelta(days=7))
    assert ticket.hold_expires_at.astimezone(PARIS).strftime("%H:%M") == "23:59"
    assert ticket.reminder_days == "2"  # a reminder 7 days ahead would fall as the order is placed
    service = _order(client, db, factories.make_offer(show["cluster"], list_price_cents=600_000), "coaching")
    assert not service.holds_stock
    assert service.hold_expires_at == end_of_paris_day(service.created_at + timedelta(days=30))
    assert service.reminder_days == "7,2"
    [told] = db.exec(select(OutboxEmail).where(OutboxEmail.subject == f"Commande {service.number} reçue")).all()
    expected = service.hold_expires_at.astimezone(show["event"].starts_at.tzinfo)
    assert "Pour régler par virement avant le" in told.body_text and " à " in told.body_text
    assert "UTC" not in told.body_text and f"{expected.year}" in told.body_text


def test_a_transfer_never_holds_past_the_start_of_what_it_holds(client, db, show):  # noqa: F811
    event = db.get(Event, show["event"].id)
    soon = utcnow().replace(microsecond=0) + timedelta(days=3)
    for offer in (show["both"], show["day"]):
        offer.starts_at = soon
        db.add(offer)
    db.commit()
    order = _order(client, db, show["both"], "three-days-ahead", attendees=[{"name": "Ana"}])
    assert order.hold_expires_at == soon and event.id
    assert order.reminder_days is None  # two days ahead would be the day after it was placed: not worth it


def test_a_card_keeps_a_short_hold_and_is_not_reminded(app, db, show):  # noqa: F811
    line = OrderLine(order_id=0, offer_id=show["both"].id, cluster_id=show["cluster"].id, kind="event_ticket",
                     description="Pass", quantity=1, units=1, unit_list_cents=1, unit_price_cents=1, excl_cents=1,
                     vat_cents=0, incl_cents=1)
    card = payment_deadline(db, [line], "stripe", NOW, app.config)
    assert card.at == NOW + timedelta(minutes=30) and card.holds_stock and card.reminder_days is None
    line.kind, line.offer_id = "service", show["stand"].id
    assert payment_deadline(db, [line], "bank_transfer", NOW, app.config).at == datetime(2027, 3, 31, 21, 59, tzinfo=UTC)


def test_the_buyer_is_reminded_once_per_reminder_then_the_order_expires(app, client, db, factories, show):  # noqa: F811
    order = _order(client, db, factories.make_offer(show["cluster"], list_price_cents=500_000), "to-remind")
    deadline = order.hold_expires_at

    def reminders() -> list[OutboxEmail]:
        db.rollback()
        return db.exec(select(OutboxEmail).where(OutboxEmail.subject.startswith("Rappel")).order_by(OutboxEmail.id)).all()

    with app.test_request_context():
        assert remind_unpaid(db, deadline - timedelta(days=8), app.config) == 0
        assert remind_unpaid(db, deadline - timedelta(days=7), app.config) == 1
        assert remind_unpaid(db, deadline - timedelta(days=6), app.config) == 0  # once
        db.commit()
    first = reminders()
    assert len(first) == 1 and order.payment_reference in first[0].body_text
    assert "6 000,00" in first[0].body_text.replace("\u202f", " ").replace("\xa0", " ")
    with app.test_request_context():
        record_manual_payment(db, db.get(Order, order.id), 100_000, date.today(), None)  # a first instalment
        assert remind_unpaid(db, deadline - timedelta(days=1), app.config) == 1
        assert remind_unpaid(db, deadline - timedelta(hours=1), app.config) == 0
        db.commit()
    second = reminders()[-1]
    assert "5 000,00" in second.body_text.replace("\u202f", " ").replace("\xa0", " ")  # what is left to pay
    with app.test_request_context():
        assert expire_orders(db, deadline + timedelta(minutes=1)) == 1
        assert remind_unpaid(db, deadline + timedelta(minutes=2), app.config) == 0
        db.commit()


def test_a_worker_that_was_down_sends_the_latest_reminder_only(app, client, db, factories, show):  # noqa: F811
    order = _order(client, db, factories.make_offer(show["cluster"]), "worker-was-down")
    with app.test_request_context():
        assert remind_unpaid(db, order.hold_expires_at - timedelta(days=1), app.config) == 1
        assert remind_unpaid(db, order.hold_expires_at - timedelta(hours=2), app.config) == 0
        db.commit()


@pytest.mark.parametrize("paid", [0, 150_000])
def test_the_order_page_shows_what_was_paid_and_what_is_left(app, client, db, factories, show, paid):  # noqa: F811
    order = _order(client, db, factories.make_offer(show["cluster"], list_price_cents=500_000), f"partial-{paid}")
    if paid:
        with app.test_request_context():
            record_manual_payment(db, db.get(Order, order.id), paid, date.today(), None)
            db.commit()
    page = client.get(f"/orders/{order.number}?t={order.access_token}").get_data(as_text=True)
    page = page.replace("\u202f", " ").replace("\xa0", " ")
    if paid:
        assert "Déjà reçu" in page and "1 500,00 €" in page and "Reste à payer" in page and "4 500,00 €" in page
    else:
        assert "Déjà reçu" not in page and "6 000,00 €" in page
    assert "Nous vous le rappellerons par email" in page and "Sans paiement complet à cette date" in page


def test_with_stripe_the_reminder_offers_a_card_payment_link(stripe_app, client, db, factories, show):  # noqa: F811
    order = _order(client, db, factories.make_offer(show["cluster"]), "reminder-with-card")
    with stripe_app.test_request_context():
        assert remind_unpaid(db, order.hold_expires_at - timedelta(days=2), stripe_app.config) == 1
        db.commit()
    [reminder] = db.exec(select(OutboxEmail).where(OutboxEmail.subject.startswith("Rappel"))).all()
    assert f"/orders/{order.number}/card?t={order.access_token}" in reminder.body_text
