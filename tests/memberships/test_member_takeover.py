"""Registering a member never changes an organization that exists nor decides who speaks for it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from marketplace.auth.models import User
from marketplace.clusters.models import Organization
from marketplace.invoicing.services import issue_invoices
from marketplace.mail.models import OutboxEmail
from marketplace.memberships.models import Membership
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_siret


@pytest.fixture
def world(app, db, factories):
    """Flacons & Cie, a member of Atlanpack with its own buyer, order and invoice; EMC2 and its manager."""
    atlanpack = factories.make_cluster(slug="atlanpack", name="Atlanpack")
    emc2 = factories.make_cluster(slug="emc2", name="EMC2")
    flacons = factories.make_organization(name="Flacons & Cie", siret=make_siret(4242), headcount=45,
                                          email="commercial@flacons-cie.fr", address="1 quai de la Fosse",
                                          postal_code="44000", city="Nantes")
    factories.make_membership(flacons, atlanpack)
    buyer = factories.make_user("achats@flacons-cie.fr", organization_id=flacons.id)
    offer = factories.make_offer(atlanpack)
    order = factories.make_order(offer, status="paid", user_id=buyer.id, organization_id=flacons.id)
    with app.test_request_context():
        invoice = issue_invoices(db, order, date(2026, 11, 30))[0]
    db.commit()
    manager = factories.make_staff(emc2, role="manager", email="gestion@emc2.fr")
    tier = factories.make_tier(emc2, min_headcount=0, max_headcount=None)
    return dict(emc2=emc2, flacons=flacons, order=order, invoice=invoice, manager=manager, tier=tier)


def _register(client, world, **overrides):
    data = {"name": "Flacons (repris)", "kind": "company", "siret": world["flacons"].siret, "headcount": "3",
            "email": "pirate@evil.example", "address": "ailleurs", "postal_code": "75001", "city": "Paris",
            "tier_id": str(world["tier"].id), "year": "2026", "status": "active",
            "contact_email": world["manager"].email,
            "csrf_token": csrf_token(client, "/console/clusters/emc2/members")}
    data.update(overrides)
    return client.post("/console/clusters/emc2/members", data=data)


def _fresh(db, model, id_):
    db.rollback()
    db.expire_all()
    return db.get(model, id_)


def test_a_manager_cannot_take_over_an_organization_of_another_cluster(client, db, world):
    login(client, world["manager"].email, PASSWORD)
    order_url, invoice_url = f"/orders/{world['order'].number}", f"/invoices/{world['invoice'].id}.pdf"
    assert client.get(order_url).status_code == 404
    response = _register(client, world)
    assert response.status_code == 303  # the membership itself is recorded, for the organization as it is
    flacons = _fresh(db, Organization, world["flacons"].id)
    assert (flacons.name, flacons.email, flacons.address, flacons.headcount) == (
        "Flacons & Cie", "commercial@flacons-cie.fr", "1 quai de la Fosse", 45)
    assert _fresh(db, User, world["manager"].id).organization_id is None
    assert db.exec(select(Membership).where(Membership.organization_id == flacons.id,
                                            Membership.cluster_id == world["emc2"].id)).one().status == "active"
    # nothing of Flacons' orders opens to the manager
    assert client.get(order_url).status_code == 404
    assert client.get(invoice_url).status_code == 404
    assert world["order"].number not in client.get("/account/orders").get_data(as_text=True)
    # Flacons' own contact is asked to confirm; the manager is not
    asked = db.exec(select(OutboxEmail)).all()
    assert [e.to_address for e in asked] == ["achats@flacons-cie.fr"]
    assert "gestion@emc2.fr" in asked[0].body_text
    page = client.get("/console/clusters/emc2/members").get_data(as_text=True)
    assert "déjà connue" in page


def test_a_new_contact_for_a_known_organization_waits_for_its_confirmation(app, db, world):
    staff, outsider = app.test_client(), app.test_client()
    login(staff, world["manager"].email, PASSWORD)
    assert _register(staff, world, contact_email="nouveau@flacons-cie.fr").status_code == 303
    assert db.exec(select(User).where(User.email == "nouveau@flacons-cie.fr")).first() is None
    body = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == "achats@flacons-cie.fr")).one().body_text
    link = "/organizations/contact/" + body.split("/organizations/contact/")[1].split()[0]
    # a forged or altered link changes nothing
    assert outsider.post(link[:-3] + "xyz", data={"csrf_token": csrf_token(outsider)}).status_code == 400
    assert "nouveau@flacons-cie.fr" in outsider.get(link).get_data(as_text=True)
    assert outsider.post(link, data={"csrf_token": csrf_token(outsider)}).status_code == 303
    db.rollback()
    created = db.exec(select(User).where(User.email == "nouveau@flacons-cie.fr")).one()
    assert created.organization_id == world["flacons"].id
    invitation = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == "nouveau@flacons-cie.fr")).one()
    assert "/password/reset/" in invitation.body_text


def test_an_existing_account_joins_a_new_organization_only_when_its_owner_confirms(app, client, db, world, factories):
    someone = factories.make_user("quelquun@exemple.fr")
    login(client, world["manager"].email, PASSWORD)
    response = _register(client, world, siret=make_siret(7777), name="Nouvelle SAS", email="",
                         contact_email="quelquun@exemple.fr")
    assert response.status_code == 303
    assert _fresh(db, User, someone.id).organization_id is None
    mail = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == "quelquun@exemple.fr")).one()
    assert "/organizations/contact/" in mail.body_text


def test_a_brand_new_organization_and_contact_are_created_and_invited(client, db, world):
    login(client, world["manager"].email, PASSWORD)
    response = _register(client, world, siret=make_siret(8888), name="Jeune Pousse", email="",
                         contact_email="fondatrice@jeune-pousse.fr")
    assert response.status_code == 303
    organization = db.exec(select(Organization).where(Organization.name == "Jeune Pousse")).one()
    user = db.exec(select(User).where(User.email == "fondatrice@jeune-pousse.fr")).one()
    assert user.organization_id == organization.id
    assert "/password/reset/" in db.exec(select(OutboxEmail)).one().body_text


def test_an_organization_nobody_can_speak_for_gets_no_contact(client, db, world, factories):
    mute = factories.make_organization(name="Muette SA", email=None)
    login(client, world["manager"].email, PASSWORD)
    response = _register(client, world, siret=mute.siret, contact_email="moi@exemple.fr")
    assert response.status_code == 303
    assert db.exec(select(User).where(User.email == "moi@exemple.fr")).first() is None
    assert db.exec(select(OutboxEmail)).all() == []
