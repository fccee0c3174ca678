"""Stripe: the real SDK talks to a local server (no network); webhooks are signed here like Stripe signs them."""

from __future__ import annotations

import json
import time

import pytest
import stripe
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.invoicing.models import Invoice
from marketplace.payments.models import Payment, StripeEvent
from tests.admin.test_permissions import snapshot
from tests.payments.conftest import SECRET


@pytest.fixture
def order(factories):
    cluster = factories.make_cluster(slug="alpha")
    first = factories.make_offer(cluster, list_price_cents=10000, title_fr="Formation")
    return factories.make_order(first, quantity=2)


def test_card_payment_creates_a_checkout_session_with_the_exact_total(stripe_app, client, order, fake_stripe):
    response = client.get(f"/orders/{order.number}/card?t={order.access_token}")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    sent = fake_stripe[1][-1]
    assert sent["path"] == "/v1/checkout/sessions"
    form = sent["form"]
    assert form["client_reference_id"] == [order.number]
    assert form["payment_intent_data[transfer_group]"] == [order.number]
    assert form["line_items[0][price_data][unit_amount]"] == [str(order.total_incl_cents)]
    assert form["line_items[0][price_data][currency]"] == ["eur"]
    assert sent["headers"]["Authorization"] == "Bearer sk_test_123"
    assert sent["headers"]["Idempotency-Key"].startswith(f"checkout-{order.number}-")


def test_card_payment_of_someone_elses_order_is_not_found(stripe_app, client, order, fake_stripe):
    assert client.get(f"/orders/{order.number}/card").status_code == 404
    assert fake_stripe[1] == []


def _event(event_id: str, kind: str, obj: dict, created: int | None = None) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "api_version": "2025-01-27",
                       "created": created or int(time.time()), "data": {"object": obj}})


def _post(client, payload: str, timestamp: int | None = None, secret: str = SECRET):
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return client.post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": header},
                       content_type="application/json")


def _completed(order, event_id="evt_1", status="paid", amount=None):
    return _event(event_id, "checkout.session.completed", {
        "id": "cs_test_1", "object": "checkout.session", "client_reference_id": order.number,
        "payment_status": status, "payment_intent": "pi_test_1", "currency": "eur",
        "amount_total": order.total_incl_cents if amount is None else amount,
        "customer_details": {"name": "Acheteur SAS"}})


def test_completed_session_pays_the_order_once_even_when_replayed(stripe_app, client, db, order):
    payload = _completed(order)
    assert _post(client, payload).status_code == 200
    assert _post(client, payload).get_json()["outcome"] == "duplicate"
    again = _completed(order, event_id="evt_2")  # a new event about the same payment
    assert _post(client, again).get_json()["outcome"] == "already_recorded"
    db.rollback()
    db.expire_all()
    assert db.get(Order, order.id).status == "paid"
    assert len(db.exec(select(Payment)).all()) == 1
    assert len(db.exec(select(Invoice)).all()) == 1


def test_async_payment_waits_then_succeeds(stripe_app, client, db, order):
    assert _post(client, _completed(order, status="unpaid")).get_json()["outcome"] == "awaiting_async_payment"
    succeeded = _event("evt_3", "checkout.session.async_payment_succeeded", json.loads(_completed(order))["data"]["object"])
    assert _post(client, succeeded).get_json()["outcome"] == "matched"
    failed = _event("evt_4", "checkout.session.async_payment_failed", json.loads(_completed(order))["data"]["object"])
    assert _post(client, failed).get_json()["outcome"] == "noted"
    db.rollback()
    db.expire_all()
    assert db.get(Order, order.id).status == "paid"


def test_refund_event_marks_the_order(stripe_app, client, db, order):
    _post(client, _completed(order))
    partial = _event("evt_r1", "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1",
                                                   "amount_refunded": 1000})
    assert _post(client, partial).get_json()["outcome"] == "partially_refunded"
    full = _event("evt_r2", "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1",
                                                "amount_refunded": order.total_incl_cents})
    assert _post(client, full).get_json()["outcome"] == "refunded"


@pytest.mark.parametrize("case", ["bad_signature", "stale", "no_header", "not_json"])
def test_forged_or_stale_webhooks_are_refused_and_change_nothing(stripe_app, client, db, order, case):
    payload = _completed(order)
    before = snapshot(db)
    if case == "bad_signature":
        response = _post(client, payload, secret="whsec_wrong")
    elif case == "stale":
        response = _post(client, payload, timestamp=int(time.time()) - 3600)
    elif case == "no_header":
        response = client.post("/webhooks/stripe", data=payload, content_type="application/json")
    else:
        response = _post(client, "{not json")
    assert response.status_code == 400
    assert snapshot(db) == before


def test_unknown_order_is_acknowledged_without_change(stripe_app, client, db, order):
    orphan = _event("evt_9", "checkout.session.completed", {
        "id": "cs_x", "object": "checkout.session", "client_reference_id": "C2026-000000", "payment_status": "paid",
        "payment_intent": "pi_x", "amount_total": 100, "currency": "eur"})
    response = _post(client, orphan)
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown_order"
    db.rollback()
    assert db.exec(select(Payment)).all() == []
    assert db.exec(select(StripeEvent.outcome)).one() == "unknown_order"


def test_webhook_is_off_without_stripe_settings(client, order):
    assert client.post("/webhooks/stripe", data="{}").status_code == 404


def test_checkout_by_card_goes_to_stripe(stripe_app, client, db, factories, fake_stripe):
    from tests.checkout.test_checkout_pages import BILLING, checkout_key
    from tests.conftest import csrf_token

    cluster = factories.make_cluster(slug="gamma")
    offer = factories.make_offer(cluster, list_price_cents=5000)
    client.post("/cart", data={"offer_id": offer.id, "csrf_token": csrf_token(client)})
    response = client.post("/checkout", data={**BILLING, "payment_method": "stripe",
                                              "idempotency_key": checkout_key(client),
                                              "csrf_token": csrf_token(client, "/checkout")})
    assert response.status_code == 303 and "/card" in response.headers["Location"]
    assert client.get(response.headers["Location"]).headers["Location"].startswith("https://checkout.stripe.com/")
    db.rollback()
    assert db.exec(select(Order)).one().stripe_session_id == "cs_test_1"
