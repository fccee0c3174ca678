"""Reading the ledger: entries behind a figure, filtered by owner, month, kind, account or posting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..core.money import decimal_comma
from ..core.spreadsheet import spreadsheet_cell, spreadsheet_csv  # noqa: F401  (the ledger's exports use them)
from .models import LedgerAccount, LedgerLine, LedgerTransaction

MAX_ROWS = 5000


@dataclass(frozen=True)
class EntryFilter:
    cluster_id: int | None = None  # None: the federation's own accounts
    period: str | None = None
    kind: str | None = None
    code: str | None = None
    transaction_id: int | None = None


def entries(db: Session, where: EntryFilter, limit: int | None = MAX_ROWS) -> list[tuple[LedgerLine, LedgerAccount,
                                                                                   LedgerTransaction]]:
    """Lines of one owner's accounts matching the filter, in posting order."""
    owner = f"cluster-{where.cluster_id}:" if where.cluster_id is not None else "federation:"
    query = (select(LedgerLine, LedgerAccount, LedgerTransaction)
             .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
             .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
             .where(LedgerAccount.key.startswith(owner)))
    if where.period:
        query = query.where(LedgerLine.period == where.period)
    if where.kind:
        query = query.where(LedgerLine.kind == where.kind)
    if where.code:
        query = query.where(LedgerAccount.code == where.code)
    if where.transaction_id:
        query = query.where(LedgerLine.transaction_id == where.transaction_id)
    return list(db.exec(query.order_by(LedgerTransaction.occurred_on, LedgerTransaction.id, LedgerLine.id)
                        .limit(limit)).all())


def entries_csv(rows) -> bytes:
    """The entries behind a figure, one line each."""
    return spreadsheet_csv([
        ["Date", "Écriture", "Journal", "Mois de règlement", "Nature", "Compte", "Intitulé du compte", "Libellé",
         "Débit", "Crédit"],
        *([transaction.occurred_on.isoformat(), transaction.id, transaction.journal, line.period, line.kind,
           account.code, account.name, line.label or transaction.description, decimal_comma(line.debit_cents),
           decimal_comma(line.credit_cents)] for line, account, transaction in rows)])
