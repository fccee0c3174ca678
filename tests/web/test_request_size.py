"""Request bodies are small by default; only a platform admin's bank statement upload may be large."""

from __future__ import annotations

import io
import json

import pytest

from marketplace.checkout.models import Order
from tests.admin.test_permissions import world  # noqa: F401
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.payments.camt_sample import entry, statement

MB = 1024 * 1024


@pytest.fixture
def json_never_parsed(app, monkeypatch):
    parsed = []
    monkeypatch.setattr(app.json, "loads", lambda *args, **kwargs: parsed.append(args) or {})
    return parsed


def test_a_large_api_body_is_refused_before_it_is_read(client, json_never_parsed):
    body = b'{"idempotency_key": "' + b"x" * (2 * MB) + b'"}'
    response = client.post("/api/v1/orders", data=body, content_type="application/json")
    assert response.status_code == 413
    error = json.loads(response.get_data())["error"]
    assert error["status"] == 413 and "1 Mo au plus" in error["message"]
    assert json_never_parsed == []


def test_a_large_form_gets_the_site_error_page(client):
    response = client.post("/login", data={"email": "a@exemple.fr", "password": "x" * (2 * MB)})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Envoi trop volumineux" in html and "1 Mo au plus" in html and "<html" in html


def _upload(client, data: bytes):
    return client.post("/console/payments/statements", data={
        "csrf_token": csrf_token(client, "/account"),
        "statement": (io.BytesIO(data), "releve-annuel.xml")}, content_type="multipart/form-data")


def _large_statement(order: Order) -> bytes:
    """A valid camt.053 statement padded past 6 MB (a year of statements is that big)."""
    data = statement(entry("BANK-YEAR", order.total_incl_cents, order.payment_reference))
    return data + b"\n" * (6 * MB)


def test_platform_admin_imports_a_six_megabyte_statement(client, db, world):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    response = _upload(client, _large_statement(world["pending"]))
    assert response.status_code == 303
    db.rollback()
    db.expire_all()
    assert db.get(Order, world["pending"].id).status == "paid"


def test_other_staff_cannot_send_a_large_body_to_the_treasury_page(client, world):  # noqa: F811
    login(client, world["users"]["staff_a"].email, PASSWORD)
    assert _upload(client, _large_statement(world["pending"])).status_code == 413


def test_a_statement_over_the_limit_is_refused(client, world):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    response = _upload(client, b"\n" * (21 * MB))
    assert response.status_code == 413
    assert "20 Mo au plus" in response.get_data(as_text=True)
