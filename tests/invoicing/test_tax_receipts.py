"""A gift under patronage gets a tax receipt, not an invoice: outside VAT, numbered apart from the invoices,
posted to the cluster's 7543, with the official form's fields and the amount in words."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.catalogue.search import Viewer
from marketplace.catalogue.services import OfferInput, save_offer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.errors import Invalid
from marketplace.invoicing.models import Invoice
from marketplace.invoicing.receipts import amount_in_words
from marketplace.ledger.services import balance, of_cluster
from marketplace.payments.services import record_manual_payment, record_refund
from tests.factories import make_siret


@pytest.fixture
def soliage(app, db, factories):
    cluster = factories.make_cluster(slug="soliage", name="Soliage", legal_name="Association Soliage")
    gift = factories.make_offer(cluster, kind="patronage", title_fr="Mécénat de la Bourse Charles Foix",
                                list_price_cents=150_050, vat_rate_bps=None, vat_exempt_mention="Don hors champ de la TVA")
    service = factories.make_offer(cluster, kind="service", title_fr="Conseil", list_price_cents=10_000)
    return dict(cluster=cluster, gift=gift, service=service)


def _pay(app, db, offers, key):
    with app.test_request_context():
        cart = ensure_cart(db, key, None)
        for offer in offers:
            add_to_cart(db, cart, offer.id, 1, {}, Viewer())
        order, _ = place_order(db, cart, Viewer(), None, Billing("Groupe Mécène", "dons@mecene.fr", make_siret(777),
                                                                  None, "2 rue du Don", "87000", "Limoges"), key, 30)
        record_manual_payment(db, order, order.total_incl_cents, date.today(), None)
        db.commit()
    return order


@pytest.mark.parametrize(("cents", "words"), [
    (150_050, "mille cinq cents euros et cinquante centimes"), (100, "un euro"), (2_000_000, "vingt mille euros"),
    (101, "un euro et un centime")])
def test_the_amount_in_words(cents, words):
    assert amount_in_words(cents) == words


def test_a_gift_gets_a_receipt_numbered_apart_and_posted_to_patronage(app, client, db, soliage):
    order = _pay(app, db, [soliage["gift"], soliage["service"]], "gift")
    db.rollback()
    documents = {d.kind: d for d in db.exec(select(Invoice).where(Invoice.order_id == order.id))}
    receipt, invoice = documents["tax_receipt"], documents["invoice"]
    assert receipt.number == f"RF-SOLIAGE-{date.today().year}-00001"
    assert invoice.number == f"F-SOLIAGE-{date.today().year}-00001"  # the invoices' series has no gap
    assert (receipt.total_excl_cents, receipt.total_vat_cents) == (150_050, 0)
    assert balance(db, of_cluster(soliage["cluster"].id, "7543")) == -150_050  # credited: a gift, not a sale
    assert balance(db, of_cluster(soliage["cluster"].id, "706")) == -10_000
    pdf = client.get(f"/invoices/{receipt.id}.pdf?t={order.access_token}").data
    text = re.sub(r"\s+", " ", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for needed in ("Reçu au titre des dons", "238 bis", receipt.number, "mille cinq cents euros et cinquante centimes",
                   "Groupe Mécène", "SIREN", "numéraire", "Association Soliage"):
        assert needed in text, needed


def test_a_refunded_gift_cancels_its_receipt_in_its_own_series(app, db, soliage):
    order = _pay(app, db, [soliage["gift"]], "refund")
    with app.test_request_context():
        db.rollback()
        record_refund(db, order, 150_050, "Don annulé", "bank_transfer", None, date.today())
        db.commit()
    db.rollback()
    note = db.exec(select(Invoice).where(Invoice.kind == "credit_note")).one()
    assert note.number.startswith("RFA-SOLIAGE-") and note.total_incl_cents == -150_050
    assert balance(db, of_cluster(soliage["cluster"].id, "7543")) == 0


def _input(**changes) -> OfferInput:
    values = OfferInput(kind="patronage", slug="don-tva", title_fr="Don", title_en="Gift", summary_fr="",
                        summary_en="", description_fr="", description_en="", includes_fr="", includes_en="",
                        location="", visibility="public", is_published=True, members_only=False,
                        discovery_scope=True, capacity=None, max_per_order=None, sale_starts_at=None,
                        sale_ends_at=None, starts_at=None, ends_at=None, early_bird_until=None,
                        list_price_cents=10_000, prices_include_vat=False, vat_rate_bps=2000,
                        vat_exempt_mention=None, member_price_cents=None, member_discount_bps=None,
                        early_bird_discount_bps=None)
    return OfferInput(**{**values.__dict__, **changes})


def test_a_gift_cannot_carry_vat(app, db, soliage):
    with app.test_request_context(), pytest.raises(Invalid):
        save_offer(db, soliage["cluster"], Offer(), _input())


def test_an_offer_created_exempt_of_vat_is_stored_exempt(app, db, soliage):
    with app.test_request_context():
        offer = save_offer(db, soliage["cluster"], Offer(), _input(slug="don", vat_rate_bps=None,
                                                                   vat_exempt_mention="Don hors champ de la TVA"))
        db.commit()
    db.rollback()
    db.expire_all()
    assert db.get(Offer, offer.id).vat_rate_bps is None  # not 20 % by the column's default
