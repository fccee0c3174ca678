"""DOMAIN.md's membership fees come out of every demo cluster's join page and of POST /api/v1/quotes; a fee
out of VAT's scope is invoiced without VAT, with the mention, and the FEC and the statement follow."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.orders import Billing, place_order
from marketplace.clusters.models import Cluster
from marketplace.core.timeutil import utcnow
from marketplace.invoicing.models import Invoice
from marketplace.invoicing.pdf import render_invoice
from marketplace.ledger.fec import fec_for_cluster
from marketplace.memberships.rules import OUT_OF_SCOPE
from marketplace.payments.services import record_manual_payment
from marketplace.settlements.services import statements
from tests.factories import make_siret
from tests.shop.test_catalogue import demo, text  # noqa: F401

# cluster, options, fee in euros (DOMAIN.md; between published points the demo's bands are illustrative)
VECTORS = [
    ("mecabourg", {"headcount": 3}, 695), ("mecabourg", {"headcount": 35}, 1893),
    ("mecabourg", {"headcount": 1500}, 9698),
    ("emc2", {"category": "partner", "kind": "service_provider"}, 550), ("emc2", {"category": "discovery"}, 190),
    ("emc2", {"headcount": 19}, 190), ("emc2", {"headcount": 20}, 590), ("emc2", {"headcount": 50}, 1490),
    ("emc2", {"headcount": 1000}, 3490), ("emc2", {"headcount": 5000}, 5990),
    ("neopolia", {"category": "basic"}, 500), ("neopolia", {"category": "sector"}, 1500),
    ("cosmetic-valley", {"headcount": 5}, 300), ("cosmetic-valley", {"headcount": 400}, 3500),
    ("eco-energies", {"headcount": 5}, 150), ("eco-energies", {"headcount": 400}, 2400),
    ("plab", {"headcount": 5}, 130), ("plab", {"headcount": 400}, 770),
    ("atlanpack", {"headcount": 5}, 500), ("atlanpack", {"headcount": 400}, 1000),
    ("soliage", {"headcount": 5}, 250), ("soliage", {"headcount": 400}, 2000),
    ("silicon-sentier", {"category": "individual", "kind": "individual"}, 10),
    ("silicon-sentier", {"turnover": 400_000}, 150), ("silicon-sentier", {"turnover": 2_500_000}, 600),
    ("silicon-sentier", {"turnover": 40_000_000}, 1500),
]


def _membership_offer(db, slug: str) -> Offer:
    return db.exec(select(Offer).join(Cluster, Cluster.id == Offer.cluster_id)
                   .where(Cluster.slug == slug, Offer.kind == "membership")).one()


@pytest.mark.parametrize(("slug", "options", "euros"), VECTORS)
def test_the_seeds_fees_from_the_join_page_and_the_api(client, db, demo, slug, options, euros):  # noqa: F811
    options = {"category": "classic", **options}
    page = text(client.get(f"/clusters/{slug}/adhesion", query_string=options, headers={"HX-Request": "true"}))
    amount = f"{euros:,}".replace(",", " ") + ",00 €"
    assert amount in page and OUT_OF_SCOPE in page
    api = client.post("/api/v1/quotes", json={"offer_id": _membership_offer(db, slug).id, "options": options})
    assert api.status_code == 200, api.get_json()
    body = api.get_json()
    assert (body["total_excl_cents"], body["total_vat_cents"], body["total_incl_cents"]) == (euros * 100, 0,
                                                                                             euros * 100)
    assert body["lines"][0]["vat_exempt_mention"] == OUT_OF_SCOPE


def test_every_demo_cluster_has_its_join_page_without_internal_notes(client, demo):  # noqa: F811
    for slug in ("neopolia", "mecabourg", "cosmetic-valley", "silicon-sentier", "atlanpack", "soliage", "plab",
                 "emc2", "eco-energies"):
        page = text(client.get(f"/clusters/{slug}/adhesion"))
        assert "Grille des cotisations" in page and "illustrative" not in page
        assert "Aucune cotisation" not in page


def test_an_out_of_scope_fee_is_invoiced_without_vat_and_the_books_follow(app, db, demo):  # noqa: F811
    offer = _membership_offer(db, "mecabourg")
    with app.test_request_context():
        cart = ensure_cart(db, "join-mecabourg", None)
        add_to_cart(db, cart, offer.id, 1, {"category": "classic", "headcount": 35}, Viewer())
        order, _ = place_order(db, cart, Viewer(), None, Billing("Forge Nouvelle", "compta@forge.fr", make_siret(77),
                                                                  None, "1 rue", "01000", "Bourg"), "join-key", 30)
        record_manual_payment(db, order, order.total_incl_cents, date.today(), None)
        db.commit()
        invoice = db.exec(select(Invoice).where(Invoice.order_id == order.id)).one()
        pdf = render_invoice(invoice, order.number)
    assert (invoice.total_excl_cents, invoice.total_vat_cents, invoice.total_incl_cents) == (189_300, 0, 189_300)
    line = json.loads(invoice.lines_json)[0]
    assert (line["vat_rate_bps"], line["vat_exempt_mention"]) == (None, OUT_OF_SCOPE)
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "hors champ de la TVA" in pdf_text and "Total TVA : 0,00" in pdf_text.replace("\u202f", " ")
    cluster = db.get(Cluster, offer.cluster_id)
    fec = fec_for_cluster(db, cluster, utcnow().year).decode("iso-8859-15")
    rows = [row.split("\t") for row in fec.splitlines()[1:] if order.number in row or f"-{order.id}\t" in row]
    assert rows and not any(row[4].startswith("4457") for row in rows)  # no VAT collected
    assert sum(int(row[12].replace(",", "")) for row in rows) == sum(int(row[11].replace(",", "")) for row in rows)
    statement = statements(db, f"{date.today():%Y-%m}", cluster.id)[cluster.id]
    assert statement.closing_cents != statement.opening_cents  # the fee reaches the cluster's statement
