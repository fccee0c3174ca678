"""What the ledger already knows of a cluster's year: its sales by origin, success fees, pooled costs, rebates
and charges, over the settlement months its statements use.

A sale or a refund credits the cluster's revenue (706, 7543 for a gift) in one line per posting; the
invoices and credit notes it posted tell which offers it was for. Each document line is split again with
the rule and the figures frozen on it (ledger.rules.split_amount), so the origins add up to the ledger's
amount to the cent; what no document explains is shown as other private resources, never dropped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..agreements.models import SuccessFeeDeclaration
from ..catalogue.models import Offer
from ..invoicing.models import Invoice
from ..ledger.models import LedgerAccount, LedgerLine, LedgerTransaction
from ..ledger.rules import split_amount
from .origins import ACCOUNT_ORIGINS, REVENUE_ACCOUNTS, origin_of_kind


@dataclass
class LedgerFigures:
    """A cluster's months in the ledger: cents by budget origin, by offer (its sales), by account code."""

    by_origin: dict[str, int] = field(default_factory=dict)
    by_offer: dict[int, int] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)  # credits - debits, as a statement shows them
    units_by_offer: dict[int, int] = field(default_factory=dict)  # units invoiced (participants of an action)

    def add(self, target: dict, key, cents: int) -> None:
        if cents:
            target[key] = target.get(key, 0) + cents


def ledger_year(db: Session, cluster_id: int, year: int) -> LedgerFigures:
    return ledger_figures(db, cluster_id, f"{year:04d}-01", f"{year:04d}-12")


def ledger_figures(db: Session, cluster_id: int, first: str, last: str) -> LedgerFigures:
    """The cluster's postings of settlement months first..last (YYYY-MM), read as budget lines."""
    rows = db.exec(select(LedgerTransaction.id, LedgerTransaction.idempotency_key, LedgerTransaction.order_id,
                          LedgerTransaction.occurred_on, LedgerAccount.code,
                          func.sum(LedgerLine.credit_cents - LedgerLine.debit_cents))
                   .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
                   .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
                   .where(LedgerAccount.key.startswith(f"cluster-{cluster_id}:"), LedgerLine.period >= first,
                          LedgerLine.period <= last,
                          col(LedgerAccount.code).in_((*REVENUE_ACCOUNTS, *ACCOUNT_ORIGINS)))
                   .group_by(LedgerTransaction.id, LedgerTransaction.idempotency_key, LedgerTransaction.order_id,
                             LedgerTransaction.occurred_on, LedgerAccount.code)).all()
    figures = LedgerFigures()
    revenue: dict[int, tuple[str, int | None, object, int]] = {}
    for transaction_id, key, order_id, occurred_on, code, cents in rows:
        cents = int(cents)
        figures.add(figures.by_code, code, cents)
        if code in REVENUE_ACCOUNTS:
            previous = revenue.get(transaction_id, (key, order_id, occurred_on, 0))
            revenue[transaction_id] = (key, order_id, occurred_on, previous[3] + cents)
        else:
            origin, sign = ACCOUNT_ORIGINS[code]
            figures.add(figures.by_origin, origin, sign * cents)
    _attribute_revenue(db, cluster_id, revenue, figures)
    return figures


def _attribute_revenue(db: Session, cluster_id: int, revenue: dict, figures: LedgerFigures) -> None:
    """Each sale's or refund's revenue to the origins of the offers its documents list."""
    order_ids = {order_id for _key, order_id, _on, _cents in revenue.values() if order_id is not None}
    documents = list(db.exec(select(Invoice).where(col(Invoice.order_id).in_(order_ids)))) if order_ids else []
    offer_ids = {line["offer_id"] for d in documents for line in json.loads(d.lines_json) if line.get("offer_id")}
    kinds = dict(db.exec(select(Offer.id, Offer.kind).where(col(Offer.id).in_(offer_ids))).all()) if offer_ids else {}
    success = set(db.exec(select(SuccessFeeDeclaration.order_id).where(
        col(SuccessFeeDeclaration.order_id).in_(order_ids))).all()) if order_ids else set()
    by_order: dict[int, list[Invoice]] = defaultdict(list)
    for document in documents:
        by_order[document.order_id].append(document)
    for key, order_id, occurred_on, cents in revenue.values():
        explained = 0
        for document in _posted_with(key, occurred_on, by_order.get(order_id, [])):
            sign = -1 if document.kind == "credit_note" else 1
            for line in json.loads(document.lines_json):
                part = sign * _part_of(cluster_id, document.cluster_id, sign * line["excl_cents"], line)
                offer_id = line.get("offer_id")
                origin = "success_fees" if order_id in success else origin_of_kind(kinds.get(offer_id, ""))
                figures.add(figures.by_origin, origin, part)
                figures.add(figures.by_offer, offer_id, part)
                if sign > 0 and document.cluster_id == cluster_id:
                    figures.add(figures.units_by_offer, offer_id, line.get("quantity", 0))
                explained += part
        figures.add(figures.by_origin, "other_private", cents - explained)


def _posted_with(key: str, occurred_on, documents: list[Invoice]) -> list[Invoice]:
    """The documents a posting was made from: a paid order's invoices and receipts, a refund's credit notes."""
    if key.startswith("order:"):
        return [d for d in documents if d.kind != "credit_note"]
    if key.startswith("refund:"):
        refund_id = int(key.removeprefix("refund:"))
        linked = [d for d in documents if d.kind == "credit_note" and d.refund_id == refund_id]
        return linked or [d for d in documents if d.kind == "credit_note" and d.refund_id is None
                          and d.issued_on == occurred_on]
    return []


def _part_of(cluster_id: int, issuer_id: int, excl_cents: int, line: dict) -> int:
    """The cluster's revenue from one document line (positive amount), split as the ledger split it: the
    issuer's part includes the platform fee (charged back as a commission), co-owners get their share."""
    shares = tuple(tuple(pair) for pair in line.get("shares", []))
    parts = split_amount(excl_cents, line.get("fee_bps", 0), shares, issuer_id)
    return sum(cents for party, cents in parts
               if party == cluster_id or (party is None and issuer_id == cluster_id))
