"""Issue invoices when an order is paid: one per issuing cluster, gapless numbers, frozen content."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from ..catalogue.models import Offer, OfferCoOwner
from ..checkout.models import Order, OrderLine
from ..checkout.orders import lines_of
from ..clusters.models import Cluster, Partnership
from ..core.errors import Invalid, NotFound
from ..core.kinds import get_kind
from ..core.money import allocate, split_inclusive
from ..ledger.services import SoldLine
from .models import Invoice, InvoiceSequence, ReceiptSequence


def next_number(db: Session, cluster: Cluster, year: int, series=InvoiceSequence) -> int:
    """Take the issuer's next number for the year in a series (invoices and credit notes, or tax receipts);
    the row lock makes concurrent payments queue."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.connection().execute(insert(series).values(cluster_id=cluster.id, year=year, last_number=0)
                            .on_conflict_do_nothing())
    return db.connection().execute(
        update(series).where(series.cluster_id == cluster.id, series.year == year)
        .values(last_number=series.last_number + 1).returning(series.last_number)).scalar_one()


def _issuer(cluster: Cluster) -> dict:
    return {"name": cluster.name, "legal_name": cluster.legal_name, "siret": cluster.siret,
            "vat_number": cluster.vat_number, "vat_regime": cluster.vat_regime,
            "vat_exempt_mention": cluster.vat_exempt_mention, "city": cluster.city, "region": cluster.region,
            "email": cluster.email, "iban": cluster.iban}


def _buyer(order: Order) -> dict:
    return {"name": order.billing_name, "email": order.billing_email, "siret": order.billing_siret,
            "vat_number": order.billing_vat_number, "address": order.billing_address,
            "postal_code": order.billing_postal_code, "city": order.billing_city}


def _line(line: OrderLine, fee_bps: int, shares: list[list[int]], sign: int = 1, account: str = "706") -> dict:
    """An invoice line; the revenue split (platform fee, co-owners' shares) and its revenue account are frozen
    with it."""
    return {"offer_id": line.offer_id, "fee_bps": fee_bps, "shares": shares, "account": account,
            "description": line.description, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents,
            "prices_include_vat": line.prices_include_vat, "excl_cents": sign * line.excl_cents,
            "vat_rate_bps": line.vat_rate_bps, "vat_cents": sign * line.vat_cents,
            "incl_cents": sign * line.incl_cents, "vat_exempt_mention": line.vat_exempt_mention,
            "adjustments": line.adjustments_text}


def platform_fee_bps(db: Session, offer: Offer, co_owner_ids: list[int], default_bps: int) -> int:
    """The platform fee on a line of this offer: the offer's own, else the lowest one set by a
    partnership between the issuer and a co-owner, else the federation's."""
    if offer.platform_fee_bps is not None:
        return offer.platform_fee_bps
    pairs = [(min(offer.cluster_id, other), max(offer.cluster_id, other)) for other in co_owner_ids]
    agreed = [p.platform_fee_bps for a, b in pairs
              for p in db.exec(select(Partnership).where(Partnership.cluster_a_id == a, Partnership.cluster_b_id == b))
              if p.platform_fee_bps is not None]
    return min(agreed) if agreed else default_bps


def _shares_bps(db: Session, offer_id: int) -> int:
    return sum(o.share_bps for o in db.exec(select(OfferCoOwner).where(OfferCoOwner.offer_id == offer_id)))


def set_offer_fee(db: Session, offer: Offer, fee_bps: int | None) -> Offer:
    """Override the platform fee of one offer (None: back to the partnership's or the federation's);
    the fee and the co-owners' shares must leave the issuer a part."""
    if fee_bps is not None and not 0 <= fee_bps <= 10000 - _shares_bps(db, offer.id):
        raise Invalid(_("La commission et les parts des co-organisateurs dépassent 100 %."), field="percent")
    offer.platform_fee_bps = fee_bps
    db.add(offer)
    db.flush()
    return offer


def set_partnership_fee(db: Session, partnership: Partnership, fee_bps: int | None) -> Partnership:
    """Override the platform fee on the offers the two partners co-produce (checked against each one)."""
    if fee_bps is not None:
        pair = (partnership.cluster_a_id, partnership.cluster_b_id)
        co_produced = db.exec(select(OfferCoOwner, Offer).join(Offer, Offer.id == OfferCoOwner.offer_id)
                              .where(col(OfferCoOwner.cluster_id).in_(pair), col(Offer.cluster_id).in_(pair))).all()
        if not 0 <= fee_bps <= 10000 or any(fee_bps > 10000 - _shares_bps(db, offer.id) for _o, offer in co_produced):
            raise Invalid(_("La commission et les parts des co-organisateurs dépassent 100 %."), field="percent")
    partnership.platform_fee_bps = fee_bps
    db.add(partnership)
    db.flush()
    return partnership


def set_platform_fee(db: Session, partnership_id: int | None, offer_id: int | None, fee_bps: int | None):
    """Override the platform fee of a partnership if one is named, else of an offer (None: back to the default)."""
    if partnership_id:
        partnership = db.get(Partnership, partnership_id)
        if partnership is None:
            raise NotFound(_("Partenariat introuvable."))
        return set_partnership_fee(db, partnership, fee_bps)
    offer = db.get(Offer, offer_id or 0)
    if offer is None:
        raise NotFound(_("Offre introuvable."))
    return set_offer_fee(db, offer, fee_bps)


@dataclass(frozen=True)
class FeeOverrides:
    """The platform fees set apart from the default, and what may get one."""

    clusters: dict[int, Cluster]
    partnerships: list[Partnership]
    overridden: list[Offer]  # offers with a fee of their own
    offers: list[Offer]


def fee_overrides(db: Session) -> FeeOverrides:
    offers = list(db.exec(select(Offer).order_by(Offer.title_fr)))
    return FeeOverrides(clusters={c.id: c for c in db.exec(select(Cluster))},
                        partnerships=list(db.exec(select(Partnership).order_by(Partnership.id))),
                        overridden=[offer for offer in offers if offer.platform_fee_bps is not None], offers=offers)


PREFIXES = {"invoice": "F", "credit_note": "AV", "tax_receipt": "RF", "receipt_cancelled": "RFA"}
SERIES = {"invoice": InvoiceSequence, "tax_receipt": ReceiptSequence}
REVENUE = {"invoice": "706", "tax_receipt": "7543"}  # a sale; a gift under patronage (mécénat)


def invoice_number(cluster: Cluster, year: int, sequence: int, kind: str = "invoice") -> str:
    return f"{PREFIXES[kind]}-{cluster.slug.upper()}-{year}-{sequence:05d}"


def issue_invoices(db: Session, order: Order, issued_on: date) -> list[Invoice]:
    """One invoice per issuing cluster of a paid order, and one tax receipt for what was given (patronage),
    each numbered in its own series; idempotent: an order is invoiced once."""
    existing = db.exec(select(Invoice).where(Invoice.order_id == order.id,
                                             col(Invoice.kind).in_(tuple(SERIES)))).all()
    if existing:
        return list(existing)
    by_issuer: dict[tuple[int, str], list[OrderLine]] = defaultdict(list)
    for line in lines_of(db, order.id):
        by_issuer[(line.cluster_id, get_kind(line.kind).document)].append(line)
    shares: dict[int, list[list[int]]] = defaultdict(list)
    offer_ids = [line.offer_id for lines in by_issuer.values() for line in lines]
    for owner in db.exec(select(OfferCoOwner).where(col(OfferCoOwner.offer_id).in_(offer_ids))
                         .order_by(OfferCoOwner.cluster_id)):
        shares[owner.offer_id].append([owner.cluster_id, owner.share_bps])
    default_bps = int(current_app.config.get("PLATFORM_FEE_BPS", 0))
    fee_bps = {offer_id: platform_fee_bps(db, db.get(Offer, offer_id), [c for c, _bps in shares[offer_id]],
                                          default_bps) for offer_id in set(offer_ids)}
    invoices = []
    for cluster_id, kind in sorted(by_issuer):  # numbers taken in a fixed order: no deadlock between payments
        cluster = db.get(Cluster, cluster_id)
        lines = by_issuer[(cluster_id, kind)]
        gift = kind == "tax_receipt"  # a gift goes whole to the cluster: no platform fee, no co-owners
        sequence = next_number(db, cluster, issued_on.year, SERIES[kind])
        invoice = Invoice(
            kind=kind, cluster_id=cluster_id, order_id=order.id,
            number=invoice_number(cluster, issued_on.year, sequence, kind), sequence=sequence, issued_on=issued_on,
            issuer_json=json.dumps(_issuer(cluster), ensure_ascii=False),
            buyer_json=json.dumps(_buyer(order), ensure_ascii=False),
            lines_json=json.dumps([_line(line, 0 if gift else fee_bps[line.offer_id],
                                         [] if gift else shares[line.offer_id], account=REVENUE[kind])
                                   for line in lines], ensure_ascii=False),
            total_excl_cents=sum(line.excl_cents for line in lines),
            total_vat_cents=sum(line.vat_cents for line in lines),
            total_incl_cents=sum(line.incl_cents for line in lines), payment_reference=order.payment_reference)
        db.add(invoice)
        invoices.append(invoice)
    db.flush()
    return invoices


def invoices_of(db: Session, order_id: int) -> list[Invoice]:
    return list(db.exec(select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id)).all())


def vat_breakdown(lines: list[dict]) -> list[tuple[int | None, int, int]]:
    """(rate in bps or None for exempt, base excl. VAT, VAT) per rate, highest rate first."""
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        totals[line["vat_rate_bps"]][0] += line["excl_cents"]
        totals[line["vat_rate_bps"]][1] += line["vat_cents"]
    return sorted(((rate, base, vat) for rate, (base, vat) in totals.items()),
                  key=lambda row: -1 if row[0] is None else row[0], reverse=True)




def _remaining(invoice: Invoice, notes: list[Invoice]) -> list[tuple[int, int, int]]:
    """(incl, excl, VAT) of each invoice line not yet credited by earlier credit notes."""
    lines = json.loads(invoice.lines_json)
    left = [[line["incl_cents"], line["excl_cents"], line["vat_cents"]] for line in lines]
    for note in notes:
        for credited in json.loads(note.lines_json):
            row = left[credited["line_index"]]
            row[0] += credited["incl_cents"]  # credited amounts are negative
            row[1] += credited["excl_cents"]
            row[2] += credited["vat_cents"]
    return [tuple(row) for row in left]


def _credit_lines(invoice: Invoice, amount_cents: int, earlier: list[Invoice]) -> list[dict]:
    """Negative lines worth `amount_cents` incl. VAT, pro rata of what each line has left to credit.

    A line credited to its end takes exactly its remaining excl. and VAT, so the credit notes of an
    invoice refunded in several steps add up to the invoice itself, to the cent, on every line.
    """
    lines = json.loads(invoice.lines_json)
    remaining = _remaining(invoice, earlier)
    parts = allocate(amount_cents, [max(row[0], 0) for row in remaining])
    credited = []
    for index, (line, incl) in enumerate(zip(lines, parts, strict=True)):
        if incl == 0:
            continue
        left_incl, left_excl, left_vat = remaining[index]
        if incl == left_incl:
            excl, vat = left_excl, left_vat
        elif line["vat_rate_bps"]:
            excl, vat = split_inclusive(incl, line["vat_rate_bps"])
        else:
            excl, vat = incl, 0
        partial = "" if incl == line["incl_cents"] else "Remboursement partiel : "
        credited.append({**line, "line_index": index, "description": f"{partial}{line['description']}",
                         "excl_cents": -excl, "vat_cents": -vat, "incl_cents": -incl})
    return credited


def issue_credit_notes(db: Session, order: Order, amount_cents: int, issued_on: date) -> list[Invoice]:
    """Credit notes for a refund, split across the order's invoices pro rata; they add up to the refund."""
    documents = invoices_of(db, order.id)
    invoices = [i for i in documents if i.kind in SERIES]
    if not invoices:
        return []
    earlier = {i.id: [n for n in documents if n.credited_invoice_id == i.id] for i in invoices}
    left = [i.total_incl_cents + sum(n.total_incl_cents for n in earlier[i.id]) for i in invoices]
    shares = allocate(amount_cents, left)
    notes = []
    for invoice, share in sorted(zip(invoices, shares, strict=True), key=lambda pair: pair[0].cluster_id):
        if share == 0:
            continue
        cluster = db.get(Cluster, invoice.cluster_id)
        lines = _credit_lines(invoice, share, earlier[invoice.id])
        sequence = next_number(db, cluster, issued_on.year, SERIES[invoice.kind])
        label = "credit_note" if invoice.kind == "invoice" else "receipt_cancelled"
        note = Invoice(kind="credit_note", cluster_id=cluster.id, order_id=order.id, credited_invoice_id=invoice.id,
                       number=invoice_number(cluster, issued_on.year, sequence, label), sequence=sequence,
                       issued_on=issued_on, issuer_json=invoice.issuer_json, buyer_json=invoice.buyer_json,
                       lines_json=json.dumps(lines, ensure_ascii=False),
                       total_excl_cents=sum(line["excl_cents"] for line in lines),
                       total_vat_cents=sum(line["vat_cents"] for line in lines),
                       total_incl_cents=sum(line["incl_cents"] for line in lines),
                       payment_reference=invoice.number)
        db.add(note)
        notes.append(note)
    db.flush()
    return notes


def sold_lines(document: Invoice) -> list[SoldLine]:
    """The ledger's view of an invoice or credit note (positive amounts) with its frozen split."""
    sign = -1 if document.kind == "credit_note" else 1
    return [SoldLine(document.cluster_id, sign * line["excl_cents"], sign * line["vat_cents"],
                     line.get("fee_bps", 0), tuple(tuple(pair) for pair in line.get("shares", [])),
                     line.get("account", "706"))
            for line in json.loads(document.lines_json)]
