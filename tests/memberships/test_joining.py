"""Joining online: the join page's fee, the checkout, and a paid fee making a member once (transfer or card)."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlmodel import func, select

from marketplace.checkout.models import Order, OrderLine
from marketplace.clusters.models import Organization
from marketplace.core.timeutil import utcnow
from marketplace.invoicing.models import Invoice
from marketplace.mail.models import OutboxEmail
from marketplace.memberships.models import Membership, MembershipTier
from marketplace.memberships.rules import OUT_OF_SCOPE
from marketplace.payments.paid import order_paid
from marketplace.payments.services import import_statement, record_manual_payment
from marketplace.pricing.services import price_offer
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_siret
from tests.payments.camt_sample import entry, statement
from tests.payments.conftest import SECRET, fake_stripe, stripe_app  # noqa: F401
from tests.payments.test_stripe import _completed, _post

YEAR = utcnow().year
SIRET = make_siret(4242)
ADDRESS = dict(billing_address="1 rue de l'Industrie", billing_postal_code="01000", billing_city="Bourg-en-Bresse",
               accept_terms="y")


@pytest.fixture
def meca(app, db, factories):
    """A cluster with Mecabourg's published fees (DOMAIN.md) and an event with a member price."""
    cluster = factories.make_cluster(slug="meca", name="Mecabourg")
    for code, low, high, fee in (("classic-0", 0, 4, 69_500), ("classic-31", 31, 40, 189_300),
                                 ("classic-1001", 1001, None, 969_800)):
        factories.make_tier(cluster, code=code, name_fr=f"Tranche {low}", min_headcount=low, max_headcount=high,
                            fee_cents=fee, description_fr="Accès aux actions collectives.")
    event = factories.make_offer(cluster, kind="event_ticket", list_price_cents=20_000, member_price_cents=5_000)
    admin = factories.make_user(is_platform_admin=True)
    return dict(cluster=cluster, event=event, admin=admin)


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace(
        "\xa0", " "))


def _join(client, **fields):
    data = {"category": "classic", "kind": "company", "headcount": "35", "year": str(YEAR), "name": "Usinage Test",
            "siret": SIRET, "email": "contact@usinage-test.fr", "csrf_token": csrf_token(client), **fields}
    return client.post("/clusters/meca/adhesion", data=data)


def _checkout(client, **fields):
    html = client.get("/checkout").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)
    return client.post("/checkout", data={"billing_name": "Usinage Test", "billing_email": "contact@usinage-test.fr",
                                          "billing_siret": SIRET, **ADDRESS, "idempotency_key": key,
                                          "csrf_token": csrf_token(client, "/checkout"), **fields})


def _count(db, model, *where) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_join_page_speaks_in_words_and_gives_the_fee_and_why(client, meca):
    page = text(client.get("/clusters/meca/adhesion"))
    assert "Adhésion classique" in page and ">classic<" not in page
    assert "Aucune cotisation" not in page and "Indiquez l'effectif" in page  # asks, does not scold
    assert "Accès aux actions collectives." in page
    for headcount, fee in (("3", "695,00 €"), ("35", "1 893,00 €"), ("1 200", "9 698,00 €")):
        quote = text(client.get(f"/clusters/meca/adhesion?category=classic&headcount={headcount}",
                                headers={"HX-Request": "true"}))
        assert fee in quote and OUT_OF_SCOPE in quote and f"31/12/{YEAR}" in quote
    assert "Aucune cotisation « classic » pour un effectif de 12" in text(
        client.get("/clusters/meca/adhesion?headcount=12"))
    assert client.get("/clusters/nowhere/adhesion").status_code == 404


def test_a_visitor_joins_pays_by_transfer_and_becomes_a_member_once(app, client, db, meca):
    assert _join(client).headers["Location"].endswith("/checkout")
    billing = client.get("/checkout").get_data(as_text=True)
    assert "Usinage Test" in billing and SIRET in billing and "contact@usinage-test.fr" in billing
    assert _checkout(client).status_code == 303
    db.rollback()
    order = db.exec(select(Order)).one()
    line = db.exec(select(OrderLine)).one()
    assert (order.total_excl_cents, order.total_vat_cents, order.total_incl_cents) == (189_300, 0, 189_300)
    assert (line.vat_rate_bps, line.vat_exempt_mention) == (None, OUT_OF_SCOPE)
    assert _count(db, Membership) == 0  # nothing before the money is there
    with app.test_request_context():
        import_statement(db, "releve.xml", statement(entry("E1", 189_300, order.payment_reference)),
                         meca["admin"].id)
        db.commit()
        import_statement(db, "releve2.xml", statement(entry("E2", 189_300, order.payment_reference),
                                                      statement_id="S2"), meca["admin"].id)  # paid twice
        order_paid(db, db.get(Order, order.id), date.today())  # and the steps replayed
        db.commit()
    member = db.exec(select(Organization).where(Organization.siret == SIRET)).one()
    membership = db.exec(select(Membership)).one()
    assert (membership.organization_id, membership.year, membership.status, membership.fee_cents) == (
        member.id, YEAR, "active", 189_300)
    assert member.headcount == 35 and db.get(Order, order.id).organization_id == member.id
    invoice = db.exec(select(Invoice)).one()
    assert invoice.total_vat_cents == 0
    # the contact who joined gets an account for the new member, and member prices apply at once
    assert _count(db, OutboxEmail, OutboxEmail.to_address == "contact@usinage-test.fr",
                  OutboxEmail.subject.contains("compte membre")) == 1
    with app.test_request_context():
        event = price_offer(db, meca["event"], meca["cluster"], member.id, 1, {})
    assert event.lines[0].unit_price_cents == 5_000


def test_an_active_year_is_not_sold_again_and_next_year_is_offered(app, client, db, meca, factories):
    organization = factories.make_organization(siret=SIRET, headcount=35)
    tier = db.exec(select(MembershipTier).where(MembershipTier.code == "classic-31")).one()
    factories.make_membership(organization, meca["cluster"], tier, year=YEAR)
    refused = _join(client)
    assert refused.status_code == 422 and f"Adhérent jusqu'au 31/12/{YEAR}" in text(refused)
    factories.make_user("membre@usinage-test.fr", organization_id=organization.id)
    login(client, "membre@usinage-test.fr", PASSWORD)
    page = text(client.get("/clusters/meca/adhesion"))
    assert f"Adhérent jusqu'au 31/12/{YEAR}" in page and f"renouveler pour {YEAR + 1}" in page
    assert f'value="{YEAR + 1}" selected' in client.get("/clusters/meca/adhesion").get_data(as_text=True)
    offer_id = db.exec(select(OrderLine.offer_id)).first()
    assert offer_id is None
    quote = client.post("/api/v1/quotes", json={"offer_id": _membership_offer_id(db), "organization_id": organization.id,
                                                "options": {"category": "classic", "year": YEAR}},
                        headers={"Accept-Language": "en"})
    assert quote.status_code == 422 and quote.get_json()["error"]["code"] == "already_member"
    assert f"Member until 31/12/{YEAR}" in quote.get_json()["error"]["message"]
    renewal = client.post("/api/v1/quotes", json={"offer_id": _membership_offer_id(db), "organization_id": organization.id,
                                                  "options": {"category": "classic", "year": YEAR + 1}})
    assert renewal.status_code == 200 and renewal.get_json()["total_incl_cents"] == 189_300


def _membership_offer_id(db) -> int:
    from marketplace.catalogue.models import Offer

    db.rollback()
    return db.exec(select(Offer.id).where(Offer.kind == "membership")).one()


def test_a_company_joining_gives_its_siret_and_a_person_does_not(client, db, meca):
    missing = _join(client, siret="")
    assert missing.status_code == 422 and "SIRET est obligatoire" in text(missing)
    bad = _join(client, siret="12345678901234")
    assert bad.status_code == 422 and "SIRET invalide" in text(bad)
    assert _count(db, OrderLine) == 0


def test_paying_by_card_makes_a_member_once_and_a_refund_ends_it(stripe_app, client, db, meca):  # noqa: F811
    _join(client, headcount="3")
    placed = _checkout(client, payment_method="stripe")
    assert "/card" in placed.headers["Location"]
    db.rollback()
    order = db.exec(select(Order)).one()
    assert order.total_incl_cents == 69_500
    assert _post(client, _completed(order)).status_code == 200
    assert _post(client, _completed(order, event_id="evt_again")).status_code == 200
    db.rollback()
    membership = db.exec(select(Membership)).one()
    assert membership.status == "active" and membership.order_id == order.id
    page = text(client.get("/clusters/meca/adhesion"))
    assert "Adhésion classique" in page  # a visitor still sees the page; the member signs in to see their standing
    from tests.payments.test_stripe import _event

    refund = _event("evt_refund", "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1",
                                                       "amount_refunded": order.total_incl_cents})
    assert _post(client, refund).get_json()["outcome"] == "refunded"
    db.rollback()
    assert db.get(Membership, membership.id).status == "expired"
    assert SECRET


def test_joining_with_a_known_siret_changes_nothing_of_it_and_asks_its_contacts(app, client, db, meca, factories):
    known = factories.make_organization(name="Usinage Historique", siret=SIRET, headcount=35, email="dg@historique.fr")
    factories.make_user("dg@historique.fr", organization_id=known.id)
    _join(client, name="Nom Inventé", email="intrus@exemple.fr")
    assert _checkout(client, billing_name="Nom Inventé", billing_email="intrus@exemple.fr").status_code == 303
    db.rollback()
    order = db.exec(select(Order)).one()
    with app.test_request_context():
        record_manual_payment(db, order, order.total_incl_cents, date.today(), meca["admin"].id)
        db.commit()
    db.rollback()
    db.expire_all()
    organization = db.get(Organization, known.id)
    assert (organization.name, organization.email) == ("Usinage Historique", "dg@historique.fr")
    assert db.exec(select(Membership)).one().organization_id == known.id
    from marketplace.auth.models import User

    assert db.exec(select(User).where(User.email == "intrus@exemple.fr")).first() is None  # nobody attached
    assert _count(db, OutboxEmail, OutboxEmail.to_address == "dg@historique.fr",
                  OutboxEmail.subject.contains("Confirmez")) == 1


def test_staff_add_a_turnover_band_and_a_taxable_tier(client, db, meca, factories):
    factories.make_staff(meca["cluster"], "admin", email="admin@meca.fr")
    login(client, "admin@meca.fr", PASSWORD)
    form = {"code": "premium-ca", "category": "premium", "name_fr": "Premium", "name_en": "Premium",
            "basis": "turnover", "min_headcount": "0", "min_turnover": "1000000", "fee": "1200",
            "taxable": "y", "description_fr": "Un diagnostic export compris.", "csrf_token": csrf_token(client)}
    assert client.post("/console/clusters/meca/tiers", data=form).status_code == 303
    db.rollback()
    tier = db.exec(select(MembershipTier).where(MembershipTier.code == "premium-ca")).one()
    assert (tier.basis, tier.min_turnover_euros, tier.max_turnover_euros, tier.vat_rate_bps) == (
        "turnover", 1_000_000, None, 2000)
    overlapping = {**form, "code": "premium-ca-2", "min_turnover": "5000000"}
    refused = client.post("/console/clusters/meca/tiers", data=overlapping)
    assert refused.status_code == 422 and "chevauche" in text(refused)
    quote = text(client.get("/clusters/meca/adhesion?category=premium&turnover=2000000",
                            headers={"HX-Request": "true"}))
    assert "1 440,00 €" in quote and "TVA 20" in quote  # a fee that buys a service is taxable
