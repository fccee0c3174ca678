"""The member's certificate of membership (PDF) and its "Mon adhésion" page."""

from __future__ import annotations

import io
from datetime import date

import pytest

from marketplace.core.errors import Invalid
from marketplace.invoicing.services import issue_invoices
from marketplace.memberships.documents import certificate_number, certificate_pdf, membership_overview
from tests.conftest import login
from tests.factories import PASSWORD, make_siret


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf when installed, else the raw bytes: the title carries the number)."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover
        return data.decode("latin-1")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def plain(text: str) -> str:
    """Spaces as a reader sees them: no-break spaces and line breaks of a wrapped paragraph count as one."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def world(app, db, factories):
    """Flacons & Cie, an active 2026 member of Atlanpack (tier "premium", paid by an order with its invoice)."""
    atlanpack = factories.make_cluster(slug="atlanpack", name="Atlanpack", legal_name="Association Atlanpack",
                                       city="Nantes")
    tier = factories.make_tier(atlanpack, code="premium", name_fr="Premium PME", name_en="Premium SME",
                               fee_cents=69500)
    flacons = factories.make_organization(name="Flacons & Cie", siret=make_siret(4343), city="Nantes")
    user = factories.make_user("achats@flacons-cie.fr", organization_id=flacons.id)
    fee_offer = factories.make_offer(atlanpack, kind="membership", title_fr="Adhésion Atlanpack",
                                     list_price_cents=69500)
    order = factories.make_order(fee_offer, status="paid", user_id=user.id, organization_id=flacons.id)
    with app.test_request_context():
        invoice = issue_invoices(db, order, date(2026, 1, 15))[0]
    db.commit()
    membership = factories.make_membership(flacons, atlanpack, tier, year=2026, order_id=order.id)
    factories.make_offer(atlanpack, title_fr="Diagnostic emballage", list_price_cents=45000,
                         included_in_tiers="premium")
    factories.make_offer(atlanpack, title_fr="Veille réglementaire", list_price_cents=54000,
                         prices_include_vat=True, included_in_tiers="essentiel, premium")
    factories.make_offer(atlanpack, title_fr="Atelier retiré", list_price_cents=30000,
                         included_in_tiers="premium", is_published=False)
    factories.make_offer(atlanpack, title_fr="Audit réservé", list_price_cents=30000, included_in_tiers="essentiel")
    return dict(cluster=atlanpack, tier=tier, organization=flacons, user=user, membership=membership,
                invoice=invoice)


def test_certificate_names_the_member_the_year_and_the_fee(app, world):
    membership = world["membership"]
    with app.test_request_context():
        data = certificate_pdf(world["cluster"], world["organization"], membership, world["tier"],
                               today=date(2026, 12, 1))
    assert data.startswith(b"%PDF")
    text = plain(pdf_text(data))
    number = certificate_number(membership)
    assert number == f"ADH-{world['cluster'].id}-2026-{membership.id:06d}"
    for expected in ("Attestation d'adhésion", number, "Flacons & Cie", "Association Atlanpack", "2026",
                     "du 01/01/2026 au 31/12/2026", "Premium PME", "695,00 €", "hors champ de la TVA",
                     "01/12/2026"):
        assert expected in text


def test_an_inactive_membership_gets_no_certificate(app, db, world, factories):
    expired = factories.make_membership(world["organization"], world["cluster"], world["tier"], year=2025,
                                        status="expired")
    with app.test_request_context(), pytest.raises(Invalid):
        certificate_pdf(world["cluster"], world["organization"], expired, world["tier"])
    # a renewal not paid yet keeps member prices during its grace period, but gets no certificate until paid
    renewal = factories.make_membership(world["organization"], world["cluster"], world["tier"], year=2027,
                                        status="pending", grace_until=date(2027, 3, 31))
    with app.test_request_context(), pytest.raises(Invalid):
        certificate_pdf(world["cluster"], world["organization"], renewal, world["tier"], today=date(2027, 2, 1))


def test_the_member_downloads_its_certificate_but_not_an_expired_one(client, world, factories):
    expired = factories.make_membership(world["organization"], world["cluster"], world["tier"], year=2025,
                                        status="expired")
    login(client, world["user"].email, PASSWORD)
    response = client.get(f"/account/membership/{world['membership'].id}/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "Flacons & Cie" in plain(pdf_text(response.data))
    refused = client.get(f"/account/membership/{expired.id}/certificate.pdf")
    assert refused.status_code == 409
    assert "attestation" in refused.get_data(as_text=True)


def test_another_organization_cannot_download_the_certificate(app, client, world, factories):
    other = factories.make_organization(name="Concurrent SA")
    factories.make_membership(other, world["cluster"], world["tier"])
    stranger = factories.make_user("veille@concurrent.fr", organization_id=other.id)
    login(client, stranger.email, PASSWORD)
    assert client.get(f"/account/membership/{world['membership'].id}/certificate.pdf").status_code == 404
    assert client.get("/account/membership/999999/certificate.pdf").status_code == 404
    assert "Flacons" not in client.get("/account/membership").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get(f"/account/membership/{world['membership'].id}/certificate.pdf").status_code in (302, 401)


def test_my_membership_page_shows_tier_validity_invoices_and_included_services(client, world):
    login(client, world["user"].email, PASSWORD)
    response = client.get("/account/membership")
    assert response.status_code == 200
    page = plain(response.get_data(as_text=True))
    assert "Premium PME" in page
    assert "Adhérent jusqu&#39;au 31/12/2026" in page or "Adhérent jusqu'au 31/12/2026" in page
    assert world["invoice"].number in page
    assert f"/invoices/{world['invoice'].id}.pdf" in page
    assert f"/account/membership/{world['membership'].id}/certificate.pdf" in page
    # included services at their real value; withdrawn or other tiers' services are not listed
    assert "Diagnostic emballage" in page and "valeur réelle 450,00 € HT" in page
    assert "Veille réglementaire" in page and "valeur réelle 540,00 € TTC" in page
    assert "Atelier retiré" not in page and "Audit réservé" not in page
    assert "900,00 € HT" in page  # 450 HT + 540 TTC (450 HT at 20 %)
    assert "/account/membership" in client.get("/account/organization").get_data(as_text=True)


def test_a_user_without_organization_is_sent_to_its_account(client, factories):
    user = factories.make_user("seul@exemple.fr")
    login(client, user.email, PASSWORD)
    response = client.get("/account/membership")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account")


def test_overview_lists_newest_year_first_with_its_status_today(app, db, world, factories):
    factories.make_membership(world["organization"], world["cluster"], world["tier"], year=2025, status="expired")
    with app.test_request_context():
        views = membership_overview(db, world["organization"].id, date(2026, 12, 1))
    assert [(v.year, v.status, v.valid_until) for v in views] == [
        (2026, "active", date(2026, 12, 31)), (2025, "expired", date(2025, 12, 31))]
    assert [s.offer.title_fr for s in views[0].services] == ["Diagnostic emballage", "Veille réglementaire"]
    assert views[0].included_value_excl_cents == 90000
    assert [i.id for i in views[0].invoices] == [world["invoice"].id]
    assert views[1].invoices == []
