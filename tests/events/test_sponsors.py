"""Conflicts of interest: a sponsorship bought by an organization involved in an organising cluster waits for
staff approval, whoever places the order — a member's session, a guest checkout or the API."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.events.models import SponsorExclusion
from marketplace.events.services import attach_offer
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_siret

ADDRESS = dict(billing_address="1 quai", billing_postal_code="44000", billing_city="Nantes", accept_terms="y")


@pytest.fixture
def sponsoring(app, db, show, factories):
    package = factories.make_offer(show["cluster"], kind="sponsorship", title_fr="Parrainage Or", capacity=2,
                                   list_price_cents=1_500_000)
    with app.test_request_context():
        attach_offer(db, show["event"], package)
        db.commit()
    tier = factories.make_tier(show["cluster"])
    member = factories.make_organization(name="Membre Industriel", siret=make_siret(501))
    factories.make_membership(member, show["cluster"], tier)
    factories.make_user("membre@industriel.fr", organization_id=member.id)
    employer = factories.make_organization(name="Employeur du Staff", siret=make_siret(502))
    factories.make_staff(show["cluster"], "manager", email="staff@salon.fr", organization_id=employer.id)
    factories.make_staff(show["cluster"], "admin", email="admin@salon.fr", full_name="Direction du salon")
    db.add(SponsorExclusion(cluster_id=show["cluster"].id, siret=make_siret(503), name="Fournisseur exclu",
                            reason="Marché en cours avec le cluster"))
    db.commit()
    return dict(package=package, member=member, employer=employer)


def _web_order(client, package, siret: str | None) -> Order:
    client.post("/cart", data={"offer_id": package.id, "csrf_token": csrf_token(client)})
    html = client.get("/checkout").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    answer = client.post("/checkout", data={"billing_name": "Sponsor", "billing_email": "sponsor@exemple.fr",
                                            "billing_siret": siret or "", **ADDRESS, "idempotency_key": key,
                                            "csrf_token": csrf_token(client, "/checkout")})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    return answer


def _last_order(db) -> Order:
    db.rollback()
    db.expire_all()
    return db.exec(select(Order).order_by(Order.id.desc())).first()


def test_a_member_signed_in_waits_for_approval(client, db, sponsoring):
    login(client, "membre@industriel.fr", PASSWORD)
    _web_order(client, sponsoring["package"], None)
    order = _last_order(db)
    assert order.status == "awaiting_approval" and "Membre Industriel est adhérent" in order.review_reason


@pytest.mark.parametrize(("siret", "why"), [(make_siret(501), "adhérent"), (make_siret(502), "emploie"),
                                           (make_siret(503), "liste d'exclusion")])
def test_a_guest_checkout_is_recognised_by_its_siret(client, db, sponsoring, siret, why):
    _web_order(client, sponsoring["package"], siret)
    order = _last_order(db)
    assert order.status == "awaiting_approval" and why in order.review_reason


def test_an_unrelated_sponsor_goes_straight_to_payment(client, db, sponsoring):
    _web_order(client, sponsoring["package"], make_siret(599))
    assert _last_order(db).status == "pending_payment"


def test_the_api_is_recognised_by_its_siret(client, db, sponsoring):
    body = {"lines": [{"offer_id": sponsoring["package"].id}], "idempotency_key": "api-sponsor-0001-xyz",
            "buyer": {"name": "Sponsor API", "email": "api@exemple.fr", "siret": make_siret(501),
                      "address": "1 quai", "postal_code": "44000", "city": "Nantes"}}
    answer = client.post("/api/v1/orders", json=body)
    assert answer.status_code == 201 and answer.get_json()["status"] == "awaiting_approval"


def test_staff_decide_with_a_reason_kept_on_the_order(client, db, show, sponsoring):
    _web_order(client, sponsoring["package"], make_siret(503))
    order = _last_order(db)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "admin@salon.fr", PASSWORD)
    page = client.get("/console/clusters/salon/orders").get_data(as_text=True)
    assert "Marché en cours avec le cluster" in page.replace("&#39;", "'")
    base = f"/console/clusters/salon/orders/{order.id}"
    client.post(f"{base}/approve", data={"reason": "", "csrf_token": csrf_token(client)})
    assert _last_order(db).status == "awaiting_approval"  # no reason, no decision
    client.post(f"{base}/approve", data={"reason": "Marché clos depuis juin.", "csrf_token": csrf_token(client)})
    decided = _last_order(db)
    assert decided.status == "pending_payment"
    assert decided.review_decision == "Validée par Direction du salon : Marché clos depuis juin."
