"""Bank transfers: a camt.053 statement settles orders by reference and amount; the rest is listed, never guessed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlmodel import select

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.models import Order
from marketplace.checkout.orders import Billing, expire_orders, place_order
from marketplace.core.errors import Conflict, Invalid
from marketplace.invoicing.models import Invoice
from marketplace.invoicing.pdf import render_invoice
from marketplace.payments.camt import parse_camt053
from marketplace.payments.models import Payment
from marketplace.payments.services import import_statement, payments_to_review, record_manual_payment
from tests.payments.camt_sample import entry, statement

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


@pytest.fixture
def shop(app, db, factories):
    with app.test_request_context():
        a = factories.make_cluster(slug="alpha", name="Cluster Alpha", vat_number="FR68412300006")
        b = factories.make_cluster(slug="beta", name="Cluster Beta")
        staff = factories.make_user("tresorier@federation.fr", is_platform_admin=True)
        yield dict(a=a, b=b, staff=staff, f=factories)


def _order(db, shop, key, offers=None):
    offers = offers or [shop["f"].make_offer(shop["a"], list_price_cents=10000)]
    cart = ensure_cart(db, key, None)
    for offer in offers:
        add_to_cart(db, cart, offer.id, 1, {}, Viewer())
    order, _ = place_order(db, cart, Viewer(), None, Billing("Acheteur SAS", "a@acheteur.fr", "41309190100012",
                                                          "FR29413091901", "1 quai", "44000", "Nantes"),
                           key, 30, now=NOW)
    db.commit()
    return order


def test_statement_settles_matches_and_lists_the_rest(db, shop):
    paid = _order(db, shop, "paid")
    partial = _order(db, shop, "partial")
    excess = _order(db, shop, "excess")
    data = statement(
        entry("E1", paid.total_incl_cents, paid.payment_reference),
        entry("E2", 5000, partial.payment_reference),
        entry("E3", excess.total_incl_cents + 100, f"Facture {excess.payment_reference} merci", structured=False),
        entry("E4", 12000, "RF18539007547034"),
        entry("E5", 99900, "loyer", direction="DBIT"),
    )
    result = import_statement(db, "releve.xml", data, shop["staff"].id)
    db.commit()
    assert (result.entries, len(result.recorded)) == (4, 4)  # the debit is not a payment
    statuses = {p.external_id: p.match_status for p in db.exec(select(Payment))}
    assert statuses == {"E1": "matched", "E2": "partial", "E3": "excess", "E4": "unmatched"}
    assert [db.get(Order, o.id).status for o in (paid, partial, excess)] == ["paid", "pending_payment", "paid"]
    review = {p.external_id for p, _ in payments_to_review(db)}
    assert review == {"E2", "E3", "E4"}


def test_the_same_statement_or_entry_is_never_recorded_twice(db, shop):
    order = _order(db, shop, "o")
    first = statement(entry("E1", order.total_incl_cents, order.payment_reference))
    import_statement(db, "a.xml", first, shop["staff"].id)
    db.commit()
    with pytest.raises(Conflict):
        import_statement(db, "a.xml", first, shop["staff"].id)
    db.rollback()
    overlapping = statement(entry("E1", order.total_incl_cents, order.payment_reference), entry("E9", 100, "x"),
                            statement_id="STMT-2")
    result = import_statement(db, "b.xml", overlapping, shop["staff"].id)
    db.commit()
    assert (result.already_known, len(result.recorded)) == (1, 1)
    assert db.get(Order, order.id).paid_cents == order.total_incl_cents
    assert len(db.exec(select(Invoice)).all()) == 1


@pytest.mark.parametrize("data,words", [
    (b"pas du xml", "Relevé illisible : ce n'est pas un fichier XML (ni un relevé CFONB 120)."),
    (b"<Document><Autre/></Document>", "n'est pas un relevé de compte camt.053"),
    (statement(entry("E1", 100, "x")).replace(b"1.00", b"1.001"), "deux décimales au plus"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><Document/>', "DTD"),
])
def test_unreadable_statement_is_refused_and_changes_nothing(db, shop, data, words):
    with pytest.raises(Invalid) as refused:
        import_statement(db, "bad.xml", data, shop["staff"].id)
    db.rollback()
    assert words in refused.value.message and "syntax" not in refused.value.message  # no parser internals
    assert db.exec(select(Payment)).all() == []


def test_payment_after_expiry_is_late_and_does_not_reopen_the_order(db, shop):
    order = _order(db, shop, "late")
    expire_orders(db, datetime(2026, 11, 28, tzinfo=UTC))
    db.commit()
    import_statement(db, "late.xml", statement(entry("L1", order.total_incl_cents, order.payment_reference)),
                     shop["staff"].id)
    db.commit()
    assert db.get(Order, order.id).status == "expired"
    assert db.exec(select(Payment)).one().match_status == "late"


def test_one_invoice_per_issuer_numbered_without_gaps(db, shop):
    f = shop["f"]
    mixed = _order(db, shop, "mixed", [f.make_offer(shop["a"], list_price_cents=10000),
                                       f.make_offer(shop["b"], list_price_cents=5000, vat_rate_bps=550)])
    other = _order(db, shop, "other")
    for order in (mixed, other):
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 11, 30), shop["staff"].id)
    db.commit()
    invoices = db.exec(select(Invoice).order_by(Invoice.id)).all()
    assert [(i.number, i.total_incl_cents) for i in invoices] == [
        ("F-ALPHA-2026-00001", 12000), ("F-BETA-2026-00001", 5275), ("F-ALPHA-2026-00002", 12000)]


def test_invoice_pdf_carries_the_french_mentions(db, shop):
    order = _order(db, shop, "pdf")
    record_manual_payment(db, order, order.total_incl_cents, date(2026, 11, 30), shop["staff"].id)
    db.commit()
    invoice = db.exec(select(Invoice)).one()
    pdf = render_invoice(invoice, order.number)
    text = " ".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for expected in ("FACTURE N° F-ALPHA-2026-00001", shop["a"].siret, "FR68412300006", "Acheteur SAS",
                     "FR29413091901", "Total HT : 100,00", "TVA 20 %", "Total TTC : 120,00", "40 €",
                     order.payment_reference, "30/11/2026"):
        assert expected in text, expected


def test_parse_keeps_structured_and_unstructured_references():
    credits = parse_camt053(statement(entry("A", 12345, "RF18 5390 0754 7034"),
                                      entry("B", 100, "Paiement RF18539007547034 merci", structured=False)))
    assert [c.reference for c in credits] == ["RF18539007547034", "RF18539007547034"]
    assert credits[0].amount_cents == 12345 and credits[0].payer == "ACHETEUR SAS"
