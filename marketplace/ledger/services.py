"""Posting to the ledger: balanced, append-only, idempotent; in the same transaction as the business change.

Chart (French PCG codes): the federation holds the bank account (512), its buyers' account (411),
payments to identify (471), its platform fees (706), outside suppliers (401), rebates to receive
(4098) and, per cluster, what it owes that cluster (467). Each cluster holds its claim on the
federation (467), its bank (512), its sales or shares of co-produced sales (706), the platform's
commission on its sales (622), the VAT it collected as issuer (44571), pooled costs it bears (604)
or re-invoices as provider (708), payment fees (627), rebates obtained (609) and given back to
members (709 against 4191).

Every posting counts in a settlement month: its own, or the first open one when its month is closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..clusters.models import Cluster
from ..core.errors import Conflict
from .models import LedgerAccount, LedgerCalendar, LedgerLine, LedgerTransaction
from .rules import Line, check_balanced, fingerprint, reversal, settlement_period, split_amount

FEDERATION_ACCOUNTS = {"512": "Banque — compte de la fédération", "411": "Acheteurs",
                       "471": "Paiements à identifier", "706": "Commissions de la plateforme",
                       "401": "Fournisseurs", "4098": "Rabais, remises, ristournes à obtenir",
                       "627": "Frais de paiement"}
CLUSTER_ACCOUNTS = {"467": "Créance sur la fédération", "706": "Prestations de services",
                    "44571": "TVA collectée", "512": "Banque", "622": "Commissions de la plateforme",
                    "604": "Prestations mutualisées", "708": "Refacturation de coûts mutualisés",
                    "627": "Frais de paiement", "609": "Ristournes obtenues", "709": "Ristournes accordées",
                    "4191": "Membres créditeurs (ristournes)", "7543": "Mécénat"}
# Kinds and cluster accounts in the reader's language, for the console's pages (the frozen French names
# go to PDFs and CSVs).
KIND_NAMES = {"sale": _l("Ventes"), "success_fee": _l("Success fees"), "refund": _l("Remboursements"),
              "payment_fee": _l("Frais de paiement"), "pooled_cost": _l("Coûts mutualisés"),
              "rebate": _l("Ristournes fournisseurs"), "transfer": _l("Virements Stripe des parts"),
              "transfer_reversal": _l("Reprises de virements Stripe"), "payout": _l("Règlements reçus"),
              "other": _l("Autres")}
ACCOUNT_NAMES = {"467": _l("Créance sur la fédération"), "706": _l("Prestations de services"),
                 "44571": _l("TVA collectée"), "512": _l("Banque"), "622": _l("Commissions de la plateforme"),
                 "604": _l("Prestations mutualisées"), "708": _l("Refacturation de coûts mutualisés"),
                 "627": _l("Frais de paiement"), "609": _l("Ristournes obtenues"), "709": _l("Ristournes accordées"),
                 "4191": _l("Membres créditeurs (ristournes)"), "7543": _l("Mécénat")}
JOURNALS = {"VT": "Ventes", "BQ": "Banque", "OD": "Opérations diverses"}


def federation(code: str) -> str:
    return f"federation:{code}"


def owed_to(cluster_id: int) -> str:
    """The federation's debt to one cluster (467 in the federation's books)."""
    return f"federation:467-c{cluster_id}"


def of_cluster(cluster_id: int, code: str) -> str:
    return f"cluster-{cluster_id}:{code}"


def _account(db: Session, key: str) -> LedgerAccount:
    account = db.exec(select(LedgerAccount).where(LedgerAccount.key == key)).first()
    if account is not None:
        return account
    owner, code = key.split(":")
    cluster_id = int(owner.removeprefix("cluster-")) if owner.startswith("cluster-") else None
    if code.startswith("467-c"):
        cluster_id = int(code.removeprefix("467-c"))
        name = f"Dû à {db.get(Cluster, cluster_id).name}"
    else:
        name = (CLUSTER_ACCOUNTS if cluster_id is not None else FEDERATION_ACCOUNTS).get(code, code)
    account = LedgerAccount(key=key, cluster_id=cluster_id, code=code.split("-")[0], name=name)
    db.add(account)
    db.flush()
    return account


def calendar(db: Session, for_update: bool = False) -> LedgerCalendar:
    """The settlement calendar row, locked shared (posting) or exclusive (closing) on PostgreSQL.

    A posting and the closing of its month cannot interleave: no posting is left out of a
    settlement nor lands in a month already closed.
    """
    query = select(LedgerCalendar).where(LedgerCalendar.id == 1).with_for_update(read=not for_update)
    row = db.exec(query).first()
    if row is None:  # the migration creates it; a database built otherwise gets it on first use
        try:
            with db.begin_nested():
                db.add(LedgerCalendar(id=1))
        except IntegrityError:
            pass  # another transaction created it meanwhile
        row = db.exec(query).one()
    return row


def post(db: Session, key: str, description: str, lines: Sequence[Line], on: date, kind: str,
         journal: str = "OD", order_id: int | None = None, reverses_id: int | None = None) -> LedgerTransaction:
    """Record a balanced posting once: the same key and lines return it; the same key with other lines is refused."""
    lines = [line for line in lines if line.debit_cents or line.credit_cents]
    check_balanced(lines)
    print_ = fingerprint(lines)
    existing = db.exec(select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key)).first()
    if existing is not None:
        if existing.fingerprint != print_:
            raise Conflict(f"Écriture {key} déjà passée avec un autre contenu.")
        return existing
    period = settlement_period(on, calendar(db).closed_through)
    transaction = LedgerTransaction(idempotency_key=key, fingerprint=print_, description=description[:300],
                                    occurred_on=on, kind=kind, journal=journal, period=period,
                                    order_id=order_id, reverses_id=reverses_id)
    db.add(transaction)
    db.flush()
    for line in lines:
        db.add(LedgerLine(transaction_id=transaction.id, account_id=_account(db, line.account).id,
                          debit_cents=line.debit_cents, credit_cents=line.credit_cents, label=line.label[:300],
                          period=period, kind=kind))
    db.flush()
    return transaction


def balance(db: Session, key: str) -> int:
    """Debits minus credits of an account (0 for an account never used)."""
    row = db.exec(select(func.coalesce(func.sum(LedgerLine.debit_cents - LedgerLine.credit_cents), 0))
                  .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
                  .where(LedgerAccount.key == key)).one()
    return int(row)


def paid_to_cluster(cluster_id: int, amount_cents: int, label: str) -> list[Line]:
    """Money the federation sends a cluster (a Stripe transfer, a settlement payout): its debt to the
    cluster is paid from its bank, and the cluster's claim becomes money in its own bank."""
    return [Line(owed_to(cluster_id), debit_cents=amount_cents, label=label),
            Line(federation("512"), credit_cents=amount_cents, label=label),
            Line(of_cluster(cluster_id, "512"), debit_cents=amount_cents, label=label),
            Line(of_cluster(cluster_id, "467"), credit_cents=amount_cents, label=label)]


@dataclass(frozen=True)
class SoldLine:
    """What one invoice line sold (or a credit note line gives back), with the split frozen at sale time."""

    cluster_id: int  # the issuer: it collects the VAT
    excl_cents: int
    vat_cents: int
    fee_bps: int = 0
    shares: tuple[tuple[int, int], ...] = ()  # co-owners: (cluster id, bps of the amount excl. VAT)
    revenue_code: str = "706"  # the clusters' revenue account: 706 a sale, 7543 a gift (patronage)


def _split(lines: Sequence[SoldLine]) -> tuple[dict[int | None, int], dict[int, int]]:
    """Amounts excl. VAT per party (None: the platform fee) and VAT per issuer, line by line."""
    excl: dict[int | None, int] = {}
    vat: dict[int, int] = {}
    for line in lines:
        for party, cents in split_amount(line.excl_cents, line.fee_bps, line.shares, line.cluster_id):
            excl[party] = excl.get(party, 0) + cents
        vat[line.cluster_id] = vat.get(line.cluster_id, 0) + line.vat_cents
    return excl, vat


def claims_of(lines: Sequence[SoldLine]) -> dict[int, int]:
    """Each cluster's claim on the federation from these lines: its part excl. VAT plus the VAT it collects.

    The same amounts a sale credits to owed_to(cluster) (and a refund debits), to the cent.
    """
    excl, vat = _split(lines)
    clusters = sorted({party for party in excl if party is not None} | set(vat))
    return {cluster: excl.get(cluster, 0) + vat.get(cluster, 0) for cluster in clusters}


def _sale_lines(lines: Sequence[SoldLine], label: str) -> list[Line]:
    """Credit side of a sale: each cluster's part and VAT owed by the federation, the platform's fee.

    The issuer sells its part plus the fee and is charged the fee as a commission (622), so its
    statement shows what the platform kept. Each line's revenue goes to its own account (706 for a sale,
    7543 for a gift).
    """
    excl, vat = _split(lines)
    fees: dict[int, int] = {}
    revenue: dict[int, dict[str, int]] = {}
    for line in lines:
        parts = split_amount(line.excl_cents, line.fee_bps, line.shares, line.cluster_id)
        fees[line.cluster_id] = fees.get(line.cluster_id, 0) + parts[0][1]
        for party, cents in parts:
            owner = line.cluster_id if party is None else party  # the issuer sells the fee too
            codes = revenue.setdefault(owner, {})
            codes[line.revenue_code] = codes.get(line.revenue_code, 0) + cents
    out = []
    for cluster in sorted({p for p in excl if p is not None} | set(vat)):
        part, tax, fee = excl.get(cluster, 0), vat.get(cluster, 0), fees.get(cluster, 0)
        out += [Line(owed_to(cluster), credit_cents=part + tax, label=label),
                Line(of_cluster(cluster, "467"), debit_cents=part + tax, label=label),
                Line(of_cluster(cluster, "622"), debit_cents=fee, label=label)]
        out += [Line(of_cluster(cluster, code), credit_cents=cents, label=label)
                for code, cents in sorted(revenue.get(cluster, {"706": 0}).items())]
        out.append(Line(of_cluster(cluster, "44571"), credit_cents=tax, label=label))
    out.append(Line(federation("706"), credit_cents=excl.get(None, 0), label=label))
    return out


def post_payment_received(db: Session, payment_id: int, amount_cents: int, order_id: int | None, on: date,
                          label: str) -> LedgerTransaction:
    """Money in on the federation's account: owed to a buyer's order, or to identify."""
    other = federation("411") if order_id is not None else federation("471")
    return post(db, f"payment:{payment_id}", f"Paiement reçu : {label}",
                [Line(federation("512"), debit_cents=amount_cents, label=label),
                 Line(other, credit_cents=amount_cents, label=label)], on, "payment", "BQ", order_id=order_id)


def post_sale(db: Session, order_id: int, number: str, lines: Sequence[SoldLine], on: date,
              kind: str = "sale") -> LedgerTransaction:
    """A paid order: the buyer's debt is settled; issuers, co-owners and the platform earn their parts."""
    total = sum(line.excl_cents + line.vat_cents for line in lines)
    return post(db, f"order:{order_id}:paid", f"Vente {number}",
                [Line(federation("411"), debit_cents=total, label=number), *_sale_lines(lines, number)], on,
                kind, "VT", order_id=order_id)


def post_refund(db: Session, refund_id: int, order_id: int, number: str, lines: Sequence[SoldLine],
                on: date) -> LedgerTransaction:
    """Money given back (positive amounts): the sale's split reversed with the same rule, the bank pays out."""
    total = sum(line.excl_cents + line.vat_cents for line in lines)
    return post(db, f"refund:{refund_id}", f"Remboursement {number}",
                [Line(federation("512"), credit_cents=total, label=number),
                 *reversal(_sale_lines(lines, number))], on, "refund", "VT", order_id=order_id)
