"""Posting to the ledger: balanced, append-only, idempotent; in the same transaction as the business change.

Chart (French PCG codes): the federation holds the bank account (512), its buyers' account (411),
payments to identify (471) and, per cluster, what it owes that cluster (467). Each cluster holds
its claim on the federation (467), its sales (706) and the VAT it collected (44571).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from ..core.errors import Conflict
from .models import LedgerAccount, LedgerLine, LedgerTransaction
from .rules import Line, check_balanced, fingerprint

FEDERATION_ACCOUNTS = {"512": "Banque — compte de la fédération", "411": "Acheteurs",
                       "471": "Paiements à identifier"}
CLUSTER_ACCOUNTS = {"467": "Créance sur la fédération", "706": "Prestations de services",
                    "44571": "TVA collectée"}


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
        name = f"Dû au cluster n° {code.removeprefix('467-c')}"
        cluster_id = int(code.removeprefix("467-c"))
    else:
        name = (CLUSTER_ACCOUNTS if cluster_id is not None else FEDERATION_ACCOUNTS).get(code, code)
    account = LedgerAccount(key=key, cluster_id=cluster_id, code=code.split("-")[0], name=name)
    db.add(account)
    db.flush()
    return account


def post(db: Session, key: str, description: str, lines: Sequence[Line], on: date,
         order_id: int | None = None, reverses_id: int | None = None) -> LedgerTransaction:
    """Record a balanced posting once: the same key and lines return it; the same key with other lines is refused."""
    lines = [line for line in lines if line.debit_cents or line.credit_cents]
    check_balanced(lines)
    print_ = fingerprint(lines)
    existing = db.exec(select(LedgerTransaction).where(LedgerTransaction.idempotency_key == key)).first()
    if existing is not None:
        if existing.fingerprint != print_:
            raise Conflict(f"Écriture {key} déjà passée avec un autre contenu.")
        return existing
    transaction = LedgerTransaction(idempotency_key=key, fingerprint=print_, description=description[:300],
                                    occurred_on=on, order_id=order_id, reverses_id=reverses_id)
    db.add(transaction)
    db.flush()
    for line in lines:
        db.add(LedgerLine(transaction_id=transaction.id, account_id=_account(db, line.account).id,
                          debit_cents=line.debit_cents, credit_cents=line.credit_cents, label=line.label[:300]))
    db.flush()
    return transaction


def balance(db: Session, key: str) -> int:
    """Debits minus credits of an account (0 for an account never used)."""
    row = db.exec(select(func.coalesce(func.sum(LedgerLine.debit_cents - LedgerLine.credit_cents), 0))
                  .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
                  .where(LedgerAccount.key == key)).one()
    return int(row)


@dataclass(frozen=True)
class IssuerShare:
    """What one issuing cluster sold in an order (or gives back in a refund)."""

    cluster_id: int
    excl_cents: int
    vat_cents: int

    @property
    def incl_cents(self) -> int:
        return self.excl_cents + self.vat_cents


def post_payment_received(db: Session, payment_id: int, amount_cents: int, order_id: int | None, on: date,
                          label: str) -> LedgerTransaction:
    """Money in on the federation's account: owed to a buyer's order, or to identify."""
    other = federation("411") if order_id is not None else federation("471")
    return post(db, f"payment:{payment_id}", f"Paiement reçu : {label}",
                [Line(federation("512"), debit_cents=amount_cents, label=label),
                 Line(other, credit_cents=amount_cents, label=label)], on, order_id=order_id)


def post_sale(db: Session, order_id: int, number: str, shares: Sequence[IssuerShare], on: date) -> LedgerTransaction:
    """A paid order: the buyer's debt is settled; each issuer earns its sales and VAT, owed by the federation."""
    lines = [Line(federation("411"), debit_cents=sum(s.incl_cents for s in shares), label=number)]
    for share in shares:
        lines += [Line(owed_to(share.cluster_id), credit_cents=share.incl_cents, label=number),
                  Line(of_cluster(share.cluster_id, "467"), debit_cents=share.incl_cents, label=number),
                  Line(of_cluster(share.cluster_id, "706"), credit_cents=share.excl_cents, label=number),
                  Line(of_cluster(share.cluster_id, "44571"), credit_cents=share.vat_cents, label=number)]
    return post(db, f"order:{order_id}:paid", f"Vente {number}", lines, on, order_id=order_id)


def post_refund(db: Session, refund_id: int, order_id: int, number: str, shares: Sequence[IssuerShare],
                on: date) -> LedgerTransaction:
    """Money given back: each issuer's sales and VAT decrease by its credit note, the bank pays out."""
    lines = [Line(federation("512"), credit_cents=sum(s.incl_cents for s in shares), label=number)]
    for share in shares:
        lines += [Line(of_cluster(share.cluster_id, "706"), debit_cents=share.excl_cents, label=number),
                  Line(of_cluster(share.cluster_id, "44571"), debit_cents=share.vat_cents, label=number),
                  Line(of_cluster(share.cluster_id, "467"), credit_cents=share.incl_cents, label=number),
                  Line(owed_to(share.cluster_id), debit_cents=share.incl_cents, label=number)]
    return post(db, f"refund:{refund_id}", f"Remboursement {number}", lines, on, order_id=order_id)
