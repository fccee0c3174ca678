"""A buyer cancels a room booking: the slot goes back on sale, the space's policy sets the fee, the rest is
refunded through the refund and ledger path (the cluster's statement shows it), once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Order, OrderLine
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.timeutil import paris_today
from marketplace.payments.models import Refund
from marketplace.payments.services import record_manual_payment
from marketplace.rooms.models import RoomBooking, RoomSpace
from marketplace.rooms.rules import cancellation_fee
from marketplace.settlements.services import statements
from tests.conftest import csrf_token
from tests.rooms.test_booking import room  # noqa: F401

BILLING = Billing("Studio", "compta@studio.fr", address="3 rue du Caire", postal_code="75002", city="Paris")


@pytest.mark.parametrize(("days_before", "fee"), [(30, 0), (14, 0), (13, 50_000), (1, 50_000)])
def test_the_fee_follows_the_policy(days_before, fee):
    today = date(2027, 3, 1)
    assert cancellation_fee(100_000, today + timedelta(days=days_before), today, 14, 5000) == fee


def test_a_booking_of_a_day_gone_is_not_cancelled():
    with pytest.raises(ValueError):
        cancellation_fee(100_000, date(2027, 3, 1), date(2027, 3, 1), 14, 5000)


def _booked(app, db, offer, days_ahead: int, pay: bool = True) -> Order:
    day = paris_today() + timedelta(days=days_ahead)
    with app.test_request_context():
        cart = ensure_cart(db, f"k{days_ahead}{pay}", None)
        add_to_cart(db, cart, offer.id, 1, {"date": day, "slot": "full_day", "people": 10}, Viewer())
        order, _ = place_order(db, cart, Viewer(), None, BILLING, f"k{days_ahead}{pay}", 30)
        if pay:
            record_manual_payment(db, order, order.total_incl_cents, paris_today(), None)
        db.commit()
    return order


def _cancel(client, db, order):
    line = db.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
    url = f"/rooms/bookings/{line.id}/cancel?t={order.access_token}"
    return client.get(url), client.post(url, data={"csrf_token": csrf_token(client)})


def _fresh(db):
    db.rollback()
    db.expire_all()


def test_late_cancellation_keeps_the_fee_and_refunds_the_rest_through_the_ledger(app, client, db, room):  # noqa: F811
    db.add(RoomSpace(offer_id=room["offer"].id, cancel_free_days=14, cancel_fee_bps=2500))
    db.commit()
    order = _booked(app, db, room["offer"], days_ahead=5)
    page, done = _cancel(client, db, order)
    text = page.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "300,00 €" in text and "900,00 €" in text  # 1 200 € incl. VAT: 25 % kept, 900 € back
    assert done.status_code == 303
    _fresh(db)
    assert db.exec(select(func.count(RoomBooking.id))).one() == 0  # the slot is back on sale
    refund = db.exec(select(Refund)).one()
    assert refund.amount_cents == 90_000 and db.get(Order, order.id).status == "partially_refunded"
    statement = statements(db, f"{paris_today():%Y-%m}", room["cluster"].id)[room["cluster"].id]
    rows = {(row["kind"], row["code"]): row["cents"] for row in statement.rows}
    # the cluster keeps the 25 % fee: 1 000 € sold, 750 € taken back, and the VAT with them
    assert rows == {("sale", "706"): 100_000, ("sale", "44571"): 20_000,
                    ("refund", "706"): -75_000, ("refund", "44571"): -15_000}
    assert statement.rows_total_cents == 30_000
    again = client.post(f"/rooms/bookings/{db.exec(select(OrderLine.id)).first()}/cancel?t={order.access_token}",
                        data={"csrf_token": csrf_token(client)})
    assert again.status_code == 409 and db.exec(select(func.count(Refund.id))).one() == 1


def test_early_cancellation_is_free(app, client, db, room):  # noqa: F811
    order = _booked(app, db, room["offer"], days_ahead=40)
    _cancel(client, db, order)
    _fresh(db)
    assert db.exec(select(Refund)).one().amount_cents == order.total_incl_cents
    assert db.get(Order, order.id).status == "refunded"


def test_an_unpaid_booking_is_simply_cancelled_and_others_cannot_touch_it(app, client, db, room):  # noqa: F811
    order = _booked(app, db, room["offer"], days_ahead=3, pay=False)
    line = db.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
    assert client.get(f"/rooms/bookings/{line.id}/cancel").status_code == 404  # not the buyer
    _cancel(client, db, order)
    _fresh(db)
    assert db.get(Order, order.id).status == "cancelled" and db.exec(select(func.count(Refund.id))).one() == 0
    page = client.get(f"/orders/{order.number}?t={order.access_token}").get_data(as_text=True)
    assert "Annuler la réservation" not in page
