"""Hostile or odd input to the API gets its documented status, a JSON error with a stable code in the request's
language, and changes nothing: ids beyond the database's integers, totals that would overflow, control characters,
infinite floats, dates out of any sensible window, `true` for a quantity, a payment provider that cannot be
reached."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.core.timeutil import paris_today
from marketplace.payments.models import Payment, Refund
from tests.admin.test_permissions import snapshot
from tests.api.test_api import check, spec  # noqa: F401
from tests.api.test_api_orders import BUYER, treasurer  # noqa: F401
from tests.payments.conftest import fake_stripe, stripe_app  # noqa: F401
from tests.shop.test_catalogue import demo  # noqa: F401

KEY = "cle-de-test-bornes-0001"


def _order(client, lines, headers=None, **extra):
    return client.post("/api/v1/orders", json={"lines": lines, "buyer": BUYER, "idempotency_key": KEY, **extra},
                       headers=headers or {})


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["status"] == status and body["code"] == code and body["message"]
    return body


@pytest.mark.parametrize("offer_id,status,code", [(999_999, 404, "not_found"), (2**31, 422, "invalid"),
                                                  (-1, 422, "invalid"), (True, 422, "invalid")])
def test_an_unknown_or_impossible_offer_id_changes_nothing(client, db, demo, spec, offer_id, status, code):  # noqa: F811
    before = snapshot(db)
    _error(_order(client, [{"offer_id": offer_id}]), status, code)
    _error(client.post("/api/v1/quotes", json={"offer_id": offer_id}), status, code)
    assert snapshot(db) == before


@pytest.mark.parametrize("path", ["/api/v1/offers/2147483648", "/api/v1/orders/2147483648", "/api/v1/offers/0",
                                  "/api/v1/nothing-here"])
def test_ids_beyond_the_integer_columns_and_unknown_paths_are_json_404s(client, path):
    _error(client.get(path), 404, "not_found")


def test_a_partners_only_offer_is_not_found_for_an_anonymous_order(client, db, demo, spec):  # noqa: F811
    hidden = demo["visite-batiment-passif"]
    assert hidden.visibility == "partners"
    check(spec, "/api/v1/orders", "post", _order(client, [{"offer_id": hidden.id}]))
    _error(_order(client, [{"offer_id": hidden.id}]), 404, "not_found")


def test_a_total_that_would_overflow_is_refused_and_writes_nothing(client, db, demo, spec):  # noqa: F811
    before = snapshot(db)
    sponsorship = demo["vs-pack-parrainage-argent"]  # 8 000 € excl. VAT, 4 of them
    response = _order(client, [{"offer_id": sponsorship.id, "quantity": 10_000}])
    assert response.status_code in (409, 422) and response.get_json()["error"]["code"] in ("too_large", "sold_out")
    check(spec, "/api/v1/orders", "post", response)
    _error(client.post("/api/v1/quotes", json={"offer_id": sponsorship.id, "quantity": 10_000}), 422, "too_large")
    _error(_order(client, [{"offer_id": sponsorship.id, "quantity": True}]), 422, "invalid")
    assert snapshot(db) == before


@pytest.mark.parametrize("where", ["buyer.name", "buyer.email", "buyer.city", "idempotency_key",
                                   "attendee", "bad_surrogate"])
def test_control_characters_and_broken_unicode_are_refused(client, db, demo, where):  # noqa: F811
    buyer, key, line = dict(BUYER), KEY, {"offer_id": demo["vs-pack-visiteur"].id}
    if where.startswith("buyer."):
        buyer[where[6:]] = "Studio\x00API" if where != "buyer.email" else "compta\x00@studio.fr"
    elif where == "idempotency_key":
        key = "cle-avec-nul-\x00-000000"
    elif where == "attendee":
        line["attendees"] = [{"name": "Camille\x1bMartin"}]
    else:
        buyer["name"] = "Studio \udb0a API"
    before = snapshot(db)
    body = _error(client.post("/api/v1/orders", json={"lines": [line], "buyer": buyer, "idempotency_key": key}),
                  422, "invalid")
    assert body["fields"]
    assert snapshot(db) == before


@pytest.mark.parametrize("query,field", [("price_max=1e308", "price_max"), ("price_max=inf", "price_max"),
                                         ("price_min=nan", "price_min"), ("date_from=0001-01-01", "date_from"),
                                         ("page=0", "page"), ("q=caf%00e", "q"), ("cluster=%00", "cluster"),
                                         ("theme=" + "x" * 61, "theme"), ("price_max=", "price_max")])
def test_catalogue_filters_out_of_bounds_say_which_one(client, demo, spec, query, field):  # noqa: F811
    response = client.get(f"/api/v1/offers?{query}")
    body = _error(response, 400, "bad_filter")
    assert list(body["fields"]) == [field]
    check(spec, "/api/v1/offers", "get", response)


def test_a_quote_for_an_unknown_organization_is_not_found(client, app, db, demo, treasurer):  # noqa: F811
    offer = demo["vs-pack-visiteur"].id
    _error(client.post("/api/v1/quotes", json={"offer_id": offer, "organization_id": 999_999}, headers=treasurer),
           404, "not_found")
    _error(client.post("/api/v1/quotes", json={"offer_id": offer, "organization_id": -4}, headers=treasurer),
           422, "invalid")


def test_a_payment_is_bounded_and_booked_between_the_order_and_today(client, db, demo, treasurer):  # noqa: F811
    placed = _order(client, [{"offer_id": demo["vs-pack-visiteur"].id}]).get_json()
    url = f"/api/v1/orders/{placed['id']}/payments"
    for body, field in (({"amount_cents": 2**31, "booked_on": paris_today().isoformat()}, "amount_cents"),
                        ({"amount_cents": 100, "booked_on": "0001-01-01"}, "booked_on"),
                        ({"amount_cents": 100, "booked_on": (paris_today() + timedelta(days=1)).isoformat()},
                         "booked_on"),
                        ({"amount_cents": 100, "booked_on": paris_today().isoformat(), "note": "vir\x00ement"},
                         "note")):
        assert field in _error(client.post(url, json=body, headers=treasurer), 422, "invalid")["fields"]
    db.rollback()
    assert db.exec(select(Payment)).all() == []


def test_room_bookings_are_refused_before_today_and_beyond_the_rooms_horizon(client, db, demo):  # noqa: F811
    room = demo["la-cantine-salle"].id
    for day, code in ((date(1, 1, 1), "past"), (date(9999, 12, 31), "too_far"),
                      (paris_today() + timedelta(days=400), "too_far")):
        options = {"date": day.isoformat(), "slot": "full_day", "people": 60}
        body = _error(client.post("/api/v1/quotes", json={"offer_id": room, "options": options}), 422, code)
        assert body["fields"]
        response = _order(client, [{"offer_id": room, "options": options}])
        assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    _error(client.post("/api/v1/quotes", json={"offer_id": room, "options": {"date": 0, "slot": "full_day"}}),
           422, "invalid")


def test_errors_speak_french_by_default_and_english_when_asked(client, demo):  # noqa: F811
    room = demo["la-cantine-salle"].id
    body = {"offer_id": room, "options": {"date": "9999-12-31", "slot": "full_day", "people": 60}}
    french = client.post("/api/v1/quotes", json=body).get_json()["error"]
    english = client.post("/api/v1/quotes", json=body, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_json()["error"]
    assert "jusqu'au" in french["message"] and "up to" in english["message"]
    assert "introuvable" in client.get("/api/v1/nothing").get_json()["error"]["message"].lower()
    assert "not found" in client.get("/api/v1/offers/999999", headers={"Accept-Language": "en"}).get_json()[
        "error"]["message"].lower()
    invalid = client.post("/api/v1/quotes", json={"offer_id": "un"}, headers={"Accept-Language": "en"}).get_json()
    assert invalid["error"]["fields"]["offer_id"] == "A whole number is expected."


def test_a_conflict_has_a_code_and_an_unknown_method_says_what_is_allowed(client, demo):  # noqa: F811
    first = _order(client, [{"offer_id": demo["vs-pack-visiteur"].id}])
    assert first.status_code == 201
    _error(_order(client, [{"offer_id": demo["vs-pack-visiteur"].id, "quantity": 2}]), 409, "key_reused")
    traced = client.open("/api/v1/quotes", method="TRACE")
    _error(traced, 405, "method_not_allowed")
    assert "POST" in traced.headers["Allow"]


@pytest.fixture
def card_paid(app, db, demo, stripe_app, client):  # noqa: F811
    """A card-paid order (Stripe's webhook recorded the payment)."""
    from tests.payments.test_stripe import _completed, _post

    placed = _order(client, [{"offer_id": demo["vs-pack-visiteur"].id}], payment_method="stripe").get_json()
    db.rollback()
    order = db.get(Order, placed["id"])
    assert _post(client, _completed(order)).status_code == 200
    return order


def test_a_refund_while_stripe_is_unreachable_books_nothing_and_a_retry_with_its_key_refunds_once(
        app, client, db, treasurer, card_paid, fake_stripe):  # noqa: F811
    url = f"/api/v1/orders/{card_paid.id}/refunds"
    body = {"amount_cents": 1000, "reason": "Geste commercial", "idempotency_key": "remboursement-0001-abcdef"}
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there
    _error(client.post(url, json=body, headers=treasurer), 503, "payment_provider_unavailable")
    db.rollback()
    assert db.exec(select(Refund)).all() == []
    app.config["STRIPE_API_BASE"] = fake_stripe[0]
    done = client.post(url, json=body, headers=treasurer)
    assert done.status_code == 201
    again = client.post(url, json=body, headers=treasurer)
    assert again.status_code == 200 and again.get_json()["id"] == done.get_json()["id"]
    other = client.post(url, json={**body, "amount_cents": 2000}, headers=treasurer)
    _error(other, 409, "key_reused")
    db.rollback()
    assert [r.amount_cents for r in db.exec(select(Refund))] == [1000]
    assert sum(1 for sent in fake_stripe[1] if sent["path"] == "/v1/refunds") == 1
    assert {sent["headers"].get("Idempotency-Key") for sent in fake_stripe[1] if sent["path"] == "/v1/refunds"} \
        == {f"refund-{card_paid.number}-remboursement-0001-abcdef"}
