"""The buyer's path on the web: cart (kept across sign-in), checkout, order page, emails, access."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from stdnum import iso11649

from marketplace.checkout.models import Order, OrderLine
from marketplace.demo import DEMO_PASSWORD
from marketplace.mail.models import OutboxEmail
from tests.admin.test_permissions import snapshot
from tests.conftest import csrf_token, login
from tests.shop.test_catalogue import demo, text  # noqa: F401

BILLING = dict(billing_name="Studio Test", billing_email="compta@studio-test.fr", billing_address="3 rue du Caire",
               billing_postal_code="75002", billing_city="Paris", accept_terms="y")


def add(client, offer, **fields):
    return client.post("/cart", data={"offer_id": offer.id, "csrf_token": csrf_token(client), **fields})


def checkout_key(client) -> str:
    html = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)


def attendees(client) -> dict[str, str]:
    """A name for every ticket the checkout asks about."""
    html = client.get("/checkout").get_data(as_text=True)
    return {name: f"Participant {n}" for n, name in enumerate(re.findall(r'name="(holder-\d+-\d+-name)"', html))}


def test_visitor_buys_from_two_clusters_double_submit_makes_one_order(client, db, demo):  # noqa: F811
    assert add(client, demo["coworking"], variant="book10_day", quantity=1).status_code == 303
    add(client, demo["vs-pack-visiteur"], quantity=2)
    cart = text(client.get("/cart"))
    assert "90,00 €" in cart and "108,00 €" in cart  # 2 × 45 € HT + VAT 20 %
    key = checkout_key(client)
    data = {**BILLING, "idempotency_key": key, "csrf_token": csrf_token(client, "/checkout")}
    unnamed = client.post("/checkout", data=data)  # each ticket needs its attendee's name
    assert unnamed.status_code == 422 and "Indiquez le nom du participant" in text(unnamed)
    names = attendees(client)
    assert len(names) == 2
    data.update(names)
    first = client.post("/checkout", data=data)
    second = client.post("/checkout", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    db.rollback()
    order = db.exec(select(Order)).one()
    assert order.total_incl_cents == 9000 + 10800
    assert {line.cluster_id for line in db.exec(select(OrderLine))} == {demo["coworking"].cluster_id,
                                                                       demo["vs-pack-visiteur"].cluster_id}
    page = text(client.get(first.headers["Location"]))
    assert order.payment_reference in page and "FR7630004000100000001235490" in page
    assert iso11649.is_valid(order.payment_reference)
    email = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == "compta@studio-test.fr")).one()
    assert order.payment_reference in email.body_text and "198,00" in email.body_text
    assert "Votre panier est vide" in text(client.get("/cart"))


def test_cart_is_kept_across_sign_in_and_repriced_for_the_member(client, demo):  # noqa: F811
    add(client, demo["veille-reglementaire"])
    assert "1 080,00 €" in text(client.get("/cart"))  # 900 € HT list price, incl. VAT
    login(client, "rd@lumiere-loire.fr", DEMO_PASSWORD)  # Cosmetic Valley member: −40 %
    cart = text(client.get("/cart"))
    assert "648,00 €" in cart and "Tarif adhérent Cosmetic Valley" in cart


def test_bad_billing_input_changes_nothing(client, db, demo):  # noqa: F811
    add(client, demo["coworking"], variant="day")
    key = checkout_key(client)
    before = snapshot(db)
    response = client.post("/checkout", data={**BILLING, "billing_siret": "12345678901234", "accept_terms": "",
                                              "idempotency_key": key, "csrf_token": csrf_token(client, "/checkout")})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "SIRET invalide" in html and "conditions générales" in html
    assert snapshot(db) == before


def test_sold_out_at_checkout_says_so_and_keeps_the_cart(client, db, demo, factories):  # noqa: F811
    stand = demo["vs-pack-stand-9m2"]
    stand.capacity = 1
    db.add(stand)
    db.commit()
    add(client, stand, quantity=1)
    other = client.application.test_client()
    add(other, stand, quantity=1)
    for buyer in (other, client):
        response = buyer.post("/checkout", data={**BILLING, "idempotency_key": checkout_key(buyer),
                                                 "csrf_token": csrf_token(buyer, "/checkout")})
    assert response.status_code == 409
    assert "Complet" in text(response)
    assert "VS Pack" in text(client.get("/cart"))


def test_order_page_is_private(client, app, db, demo):  # noqa: F811
    add(client, demo["coworking"], variant="day")
    response = client.post("/checkout", data={**BILLING, "idempotency_key": checkout_key(client),
                                              "csrf_token": csrf_token(client, "/checkout")})
    link = response.headers["Location"]
    number_only = link.split("?")[0]
    stranger = app.test_client()
    assert stranger.get(number_only).status_code == 404
    assert stranger.get(number_only + "?t=wrong").status_code == 404
    assert stranger.get(link).status_code == 200
    login(stranger, "contact@usinage-bressan.fr", DEMO_PASSWORD)
    assert stranger.get(number_only).status_code == 404
    silicon_staff = app.test_client()
    login(silicon_staff, "lacantine@silicon-sentier.fr", DEMO_PASSWORD)  # staff of the issuing cluster
    assert silicon_staff.get(number_only).status_code == 200


def test_member_sees_their_orders(client, db, demo):  # noqa: F811
    login(client, "hello@pixel-sentier.fr", DEMO_PASSWORD)
    add(client, demo["coworking"], variant="half_day", quantity=3)
    client.post("/checkout", data={**BILLING, "idempotency_key": checkout_key(client),
                                   "csrf_token": csrf_token(client, "/checkout")})
    page = text(client.get("/account/orders"))
    db.rollback()
    order = db.exec(select(Order)).one()
    assert order.number in page and "21,00 €" in page


@pytest.mark.parametrize("fields", [dict(quantity="0"), dict(quantity="abc"), dict(offer_id="999999")])
def test_bad_add_to_cart_is_refused(client, db, demo, fields):  # noqa: F811
    before = snapshot(db)
    response = client.post("/cart", data={"offer_id": demo["formation-lean"].id, "csrf_token": csrf_token(client),
                                          **fields})
    assert response.status_code in (303, 404)
    assert snapshot(db)["cartline"] == before["cartline"]


def test_add_to_cart_needs_the_csrf_token(client, db, demo):  # noqa: F811
    response = client.post("/cart", data={"offer_id": demo["formation-lean"].id})
    assert response.status_code == 400


def test_another_visitor_reusing_a_checkout_key_learns_nothing(client, app, db, demo):  # noqa: F811
    add(client, demo["coworking"], variant="book10_day", quantity=1)
    key = checkout_key(client)
    first = client.post("/checkout", data={**BILLING, "idempotency_key": key,
                                           "csrf_token": csrf_token(client, "/checkout")})
    assert first.status_code == 303
    db.rollback()
    number = db.exec(select(Order)).one().number
    other = app.test_client()
    add(other, demo["coworking"], variant="day", quantity=1)
    response = other.post("/checkout", data={**BILLING, "idempotency_key": key,
                                             "csrf_token": csrf_token(other, "/checkout")})
    assert response.status_code == 409
    assert number not in response.get_data(as_text=True)
    assert "Location" not in response.headers
    db.rollback()
    assert len(db.exec(select(Order)).all()) == 1
