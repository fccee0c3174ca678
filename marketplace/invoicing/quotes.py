"""Quotes (devis) a buyer can have a purchase approved with: from an order awaiting payment (prices frozen, valid
until its payment deadline) or from the cart (prices of the day, nothing reserved until the order is placed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from ..checkout.cart import PricedLine
from ..checkout.models import Cart, Order, OrderLine
from ..clusters.models import Cluster, Organization
from ..core.timeutil import PARIS
from ..pricing.quotes import QuoteLine
from .pdf import PdfDocument, buyer_block, lines_and_totals

QUOTED_STATUSES = ("pending_payment", "awaiting_approval")


@dataclass(frozen=True)
class Quote:
    number: str
    issued_on: date
    valid_until: date
    buyer: dict[str, str | None] | None
    lines: list[dict]
    issuers: list[Cluster]
    binding: bool  # an order's quote: prices frozen and what it holds kept until the deadline
    payment_reference: str | None = None


def order_quote(db: Session, order: Order, today: date) -> Quote:
    lines = db.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)).all()
    buyer = {"name": order.billing_name, "address": order.billing_address, "postal_code": order.billing_postal_code,
             "city": order.billing_city, "siret": order.billing_siret, "vat_number": order.billing_vat_number,
             "email": order.billing_email}
    valid = order.hold_expires_at.astimezone(PARIS).date() if order.hold_expires_at else today
    return Quote(f"DEVIS-{order.number}", today, valid, buyer, [_line(line, line.adjustments_text) for line in lines],
                 _clusters(db, {line.cluster_id for line in lines}), True, order.payment_reference)


def cart_quote(db: Session, cart: Cart, priced: list[PricedLine], organization_id: int | None, today: date,
               validity_days: int) -> Quote:
    organization = db.get(Organization, organization_id) if organization_id else None
    buyer = None if organization is None else {
        "name": organization.name, "address": organization.address, "postal_code": organization.postal_code,
        "city": organization.city, "siret": organization.siret, "vat_number": organization.vat_number,
        "email": organization.email}
    lines = [_line(p.priced, "\n".join(a.label_fr for a in p.priced.adjustments))
             for p in priced if p.priced and not p.problem]
    number = f"DEVIS-P{today:%Y%m%d}-{cart.id:05d}"
    return Quote(number, today, today + timedelta(days=validity_days), buyer, lines,
                 _clusters(db, {p.cluster.id for p in priced if p.priced and not p.problem}), False)


def _line(line: OrderLine | QuoteLine, adjustments: str) -> dict:
    return {"description": line.description, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents,
            "prices_include_vat": line.prices_include_vat, "excl_cents": line.excl_cents,
            "vat_rate_bps": line.vat_rate_bps, "vat_cents": line.vat_cents, "incl_cents": line.incl_cents,
            "vat_exempt_mention": line.vat_exempt_mention, "adjustments": adjustments}


def _clusters(db: Session, ids: set[int]) -> list[Cluster]:
    return list(db.exec(select(Cluster).where(col(Cluster.id).in_(ids)).order_by(Cluster.name)).all())


def render_quote(quote: Quote, federation: str, iban: str, bic: str) -> bytes:
    """The quote as a PDF: who sells, to whom, the lines and VAT, until when it holds, how to pay."""
    pdf = PdfDocument()
    pdf.set_title(quote.number)
    pdf.add_page()
    pdf.text_line(federation, 13, bold=True, height=7)
    pdf.text_line("Plateforme de vente des clusters, encaisse pour le compte de :")
    for cluster in quote.issuers:
        pdf.text_line(f"{cluster.legal_name} ({cluster.name}) · SIRET {cluster.siret}"
                      + (f" · TVA {cluster.vat_number}" if cluster.vat_number else ""), 8)
    pdf.ln(4)
    pdf.text_line(f"DEVIS N° {quote.number}", 15, bold=True, height=8)
    pdf.text_line(f"Établi le {quote.issued_on:%d/%m/%Y} · valable jusqu'au {quote.valid_until:%d/%m/%Y}")
    pdf.ln(3)
    pdf.text_line("Client", 10, bold=True)
    if quote.buyer:
        buyer_block(pdf, quote.buyer)
    else:
        pdf.text_line("Nom, adresse et SIRET : à compléter lors de la commande.")
    pdf.ln(4)
    excl = sum(line["excl_cents"] for line in quote.lines)
    vat = sum(line["vat_cents"] for line in quote.lines)
    lines_and_totals(pdf, quote.lines, excl, vat, excl + vat)
    pdf.ln(2)
    for mention in sorted({line["vat_exempt_mention"] for line in quote.lines if line.get("vat_exempt_mention")}):
        pdf.text_line(mention, 8)
    if quote.binding:
        pdf.text_line(f"Prix fermes jusqu'au {quote.valid_until:%d/%m/%Y} ; ce que la commande réserve (places, "
                      "stands, créneaux) est gardé jusqu'à cette date.", 8)
        pdf.text_line(f"Paiement par virement à {federation}, IBAN {iban}, BIC {bic}, référence "
                      f"{quote.payment_reference} (obligatoire), ou par carte depuis la page de la commande.", 8)
    else:
        pdf.text_line(f"Prix du jour, valables jusqu'au {quote.valid_until:%d/%m/%Y} sous réserve de disponibilité : "
                      "rien n'est réservé tant que la commande n'est pas passée. Une fois la commande passée, ses "
                      "prix sont fermes et un devis définitif est disponible sur sa page.", 8)
    pdf.text_line("Facture émise à réception du paiement, au nom de chaque cluster pour ses lignes.", 8)
    return bytes(pdf.output())
