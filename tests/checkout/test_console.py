"""A cluster's orders in the console, and the review of sponsorships held for approval."""

from __future__ import annotations

from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.core.timeutil import utcnow
from marketplace.mail.models import OutboxEmail
from tests.admin.test_permissions import snapshot, world  # noqa: F401
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def test_staff_approve_a_sponsorship_then_it_can_be_paid(client, db, world):  # noqa: F811
    login(client, world["users"]["manager_a"].email, PASSWORD)
    assert "Valider" in client.get("/console/clusters/cluster-a/orders").get_data(as_text=True)
    client.post(f"/console/clusters/cluster-a/orders/{world['review'].id}/approve",
                data={"reason": "  ", "csrf_token": csrf_token(client, "/account")})
    db.rollback()
    assert db.get(Order, world["review"].id).status == "awaiting_approval"  # a decision needs its reason
    response = client.post(f"/console/clusters/cluster-a/orders/{world['review'].id}/approve",
                           data={"reason": "Aucun lien avec le cluster.", "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    db.rollback()
    db.expire_all()
    order = db.get(Order, world["review"].id)
    assert order.status == "pending_payment"
    [told] = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == order.billing_email)).all()
    assert "validé votre commande" in told.body_text and f"t={order.access_token}" in told.body_text
    again = client.post(f"/console/clusters/cluster-a/orders/{world['review'].id}/approve",
                        data={"reason": "Aucun lien avec le cluster.", "csrf_token": csrf_token(client, "/account")})
    assert again.status_code == 409  # already approved: the status table refuses


def test_an_approved_sponsorship_is_held_for_a_new_payment_period(client, db, world):  # noqa: F811
    login(client, world["users"]["staff_a"].email, PASSWORD)
    client.post(f"/console/clusters/cluster-a/orders/{world['review'].id}/approve",
                data={"reason": "Aucun lien avec le cluster.", "csrf_token": csrf_token(client, "/account")})
    db.rollback()
    db.expire_all()
    held = db.get(Order, world["review"].id).hold_expires_at
    assert held is not None and held > utcnow()


def test_staff_reject_a_sponsorship_and_it_is_cancelled(client, db, world):  # noqa: F811
    login(client, world["users"]["manager_a"].email, PASSWORD)
    response = client.post(f"/console/clusters/cluster-a/orders/{world['review'].id}/reject",
                           data={"reason": "Aucun lien avec le cluster.", "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "remises en vente" in page
    db.rollback()
    db.expire_all()
    order = db.get(Order, world["review"].id)
    assert order.status == "cancelled"
    [told] = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == order.billing_email)).all()
    assert "rien ne vous sera facturé" in told.body_text and "Aucun lien" not in told.body_text


def test_another_clusters_order_is_not_found_through_own_url(client, db, world):  # noqa: F811
    login(client, world["users"]["staff_b"].email, PASSWORD)
    before = snapshot(db)
    response = client.post(f"/console/clusters/cluster-b/orders/{world['review'].id}/approve",
                           data={"reason": "Aucun lien avec le cluster.", "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 404
    assert snapshot(db) == before
