"""Orders through the API with Bearer tokens; every response matches the OpenAPI document."""

from __future__ import annotations

import pytest
from sqlmodel import select

from marketplace.auth.services import create_api_token
from marketplace.checkout.models import Order
from marketplace.core.timeutil import paris_today
from tests.admin.test_permissions import snapshot
from tests.api.test_api import check, spec  # noqa: F401
from tests.shop.test_catalogue import demo  # noqa: F401

BUYER = {"name": "Studio API", "email": "compta@studio-api.fr", "address": "3 rue du Caire", "postal_code": "75002",
         "city": "Paris", "siret": "41348785100011"}


def _token(app, db, user) -> dict:
    db.rollback()  # end a read transaction the requests may have outdated (SQLite snapshot)
    with app.test_request_context():
        _record, raw = create_api_token(db, user, "CRM")
        db.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def treasurer(app, db, factories):
    return _token(app, db, factories.make_user("api-tresorier@federation.fr", is_platform_admin=True))


def _place(client, spec, demo, key="cle-idempotence-0001", headers=None, **extra):  # noqa: F811
    body = {"lines": [{"offer_id": demo["coworking"].id, "options": {"variant": "book10_day"}},
                      {"offer_id": demo["vs-pack-visiteur"].id, "quantity": 2}],
            "buyer": BUYER, "idempotency_key": key, **extra}
    response = client.post("/api/v1/orders", json=body, headers=headers or {})
    return response, check(spec, "/api/v1/orders", "post", response)


def test_place_an_order_twice_with_the_same_key(client, db, demo, spec):  # noqa: F811
    first, order = _place(client, spec, demo)
    again, same = _place(client, spec, demo)
    assert (first.status_code, again.status_code) == (201, 200)
    assert order["id"] == same["id"] and order["total_incl_cents"] == 9000 + 10800
    assert order["payment"]["reference"].startswith("RF") and order["payment"]["iban"]
    db.rollback()
    assert len(db.exec(select(Order)).all()) == 1


def test_read_the_order_with_its_link_token_only(client, app, db, demo, spec):  # noqa: F811
    _, order = _place(client, spec, demo)
    stranger = app.test_client()
    response = stranger.get(f"/api/v1/orders/{order['id']}")
    assert response.status_code == 404
    check(spec, "/api/v1/orders/{order_id}", "get", response)
    token = order["url"].split("t=")[1]
    response = stranger.get(f"/api/v1/orders/{order['id']}?t={token}")
    assert check(spec, "/api/v1/orders/{order_id}", "get", response)["number"] == order["number"]


@pytest.mark.parametrize("change,field", [
    ({"buyer": {**BUYER, "siret": "12345678901234"}}, "buyer.siret"),
    ({"buyer": {**BUYER, "postal_code": "750"}}, "buyer.postal_code"),
    ({"lines": []}, "lines"),
    ({"idempotency_key": "court"}, "idempotency_key"),
    ({"payment_method": "cheque"}, "payment_method"),
])
def test_bad_order_input_names_the_field_and_changes_nothing(client, db, demo, spec, change, field):  # noqa: F811
    before = snapshot(db)
    body = {"lines": [{"offer_id": demo["coworking"].id, "options": {"variant": "day"}}], "buyer": BUYER,
            "idempotency_key": "cle-idempotence-0002", **change}
    response = client.post("/api/v1/orders", json=body)
    assert response.status_code == 422
    assert field in check(spec, "/api/v1/orders", "post", response)["error"]["fields"]
    assert snapshot(db) == before


def test_staff_record_a_transfer_then_refund_through_the_api(client, db, demo, spec, treasurer):  # noqa: F811
    _, order = _place(client, spec, demo)
    paid = client.post(f"/api/v1/orders/{order['id']}/payments", headers=treasurer,
                       json={"amount_cents": order["total_incl_cents"], "booked_on": paris_today().isoformat()})
    body = check(spec, "/api/v1/orders/{order_id}/payments", "post", paid)
    assert paid.status_code == 201 and body["match_status"] == "matched" and body["order_status"] == "paid"
    refund = client.post(f"/api/v1/orders/{order['id']}/refunds", headers=treasurer,
                         json={"amount_cents": 1000, "reason": "Geste commercial"})
    body = check(spec, "/api/v1/orders/{order_id}/refunds", "post", refund)
    assert refund.status_code == 201 and body["order_status"] == "partially_refunded"
    assert body["credit_notes"] and all(n.startswith("AV-") for n in body["credit_notes"])
    detail = client.get(f"/api/v1/orders/{order['id']}", headers=treasurer)
    assert len(check(spec, "/api/v1/orders/{order_id}", "get", detail)["invoices"]) >= 3


def test_payments_need_a_platform_admin_token(client, app, db, demo, spec, factories):  # noqa: F811
    _, order = _place(client, spec, demo)
    db.rollback()
    member = _token(app, db, factories.make_user("membre-api@exemple.fr"))
    for headers in ({}, member, {"Authorization": "Bearer mkt_faux"}):
        response = client.post(f"/api/v1/orders/{order['id']}/payments", headers=headers,
                               json={"amount_cents": 100, "booked_on": paris_today().isoformat()})
        assert response.status_code == 403
        check(spec, "/api/v1/orders/{order_id}/payments", "post", response)


def test_revoked_token_no_longer_works(client, app, db, demo, spec, factories):  # noqa: F811
    from marketplace.auth.services import revoke_api_token

    user = factories.make_user("revoque@federation.fr", is_platform_admin=True)
    headers = _token(app, db, user)
    _, order = _place(client, spec, demo)
    db.rollback()
    with app.test_request_context():
        from marketplace.auth.models import ApiToken

        revoke_api_token(db, user, db.exec(select(ApiToken)).one().id)
        db.commit()
    response = client.post(f"/api/v1/orders/{order['id']}/payments", headers=headers,
                           json={"amount_cents": 100, "booked_on": paris_today().isoformat()})
    assert response.status_code == 403


def test_reusing_an_anonymous_order_key_with_another_buyer_reveals_nothing(client, app, db, demo, spec):  # noqa: F811
    _, order = _place(client, spec, demo)
    attacker = app.test_client()
    response, body = _place(attacker, spec, demo, buyer={**BUYER, "name": "Curieux", "email": "curieux@evil.example"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    for secret in (order["number"], order["url"].split("t=")[1], BUYER["email"], BUYER["address"],
                   order["payment"]["reference"]):
        assert secret not in text
    assert body["error"]["fields"] == {"idempotency_key": body["error"]["message"]}
    # the same anonymous request replayed (a retry after a lost answer) still gets its order
    again, same = _place(attacker, spec, demo)
    assert again.status_code == 200 and same["number"] == order["number"]
    db.rollback()
    assert len(db.exec(select(Order)).all()) == 1


def test_a_token_holder_replays_only_their_own_request(client, app, db, demo, spec, factories):  # noqa: F811
    mine = _token(app, db, factories.make_user("crm@studio-api.fr"))
    other = _token(app, db, factories.make_user("crm@concurrent.fr"))
    first, order = _place(client, spec, demo, key="8d6c3f0e-1b7a-4e0f-9f55-0c2a1d3e4b5f", headers=mine)
    assert first.status_code == 201
    same_body_other_token, _ = _place(client, spec, demo, key="8d6c3f0e-1b7a-4e0f-9f55-0c2a1d3e4b5f", headers=other)
    anonymous, _ = _place(client, spec, demo, key="8d6c3f0e-1b7a-4e0f-9f55-0c2a1d3e4b5f")
    changed, _ = _place(client, spec, demo, key="8d6c3f0e-1b7a-4e0f-9f55-0c2a1d3e4b5f", headers=mine,
                        payment_method="stripe")
    assert (same_body_other_token.status_code, anonymous.status_code, changed.status_code) == (409, 409, 409)
    replay, same = _place(client, spec, demo, key="8d6c3f0e-1b7a-4e0f-9f55-0c2a1d3e4b5f", headers=mine)
    assert replay.status_code == 200 and same["id"] == order["id"]
