"""Reading the ledger: entries behind a figure, filtered by owner, month, kind, account or posting."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from ..core.money import decimal_comma
from .models import LedgerAccount, LedgerLine, LedgerTransaction

MAX_ROWS = 5000
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What decimal_comma and int write: such a cell must stay a number, minus sign included.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(,[0-9]+)?")


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


def spreadsheet_cell(value) -> str:
    """A cell as text a spreadsheet never runs as a formula; plain numbers are left as they are."""
    text = "" if value is None else str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    # Leading spaces are skipped by some spreadsheets before they look for a formula.
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START):
        return "'" + text
    return text


def spreadsheet_csv(rows: Iterable[Sequence]) -> bytes:
    """Rows (the header first) as a CSV a French spreadsheet opens as is: semicolons, CRLF, UTF-8 with BOM.

    Amounts go in as decimal_comma(cents) so that they read as numbers; every other cell that a
    spreadsheet would run as a formula (a cluster or payer name like "=HYPERLINK(...)") gets a leading quote.
    """
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [spreadsheet_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def entries_csv(rows) -> bytes:
    """The entries behind a figure, one line each."""
    return spreadsheet_csv([
        ["Date", "Écriture", "Journal", "Mois de règlement", "Nature", "Compte", "Intitulé du compte", "Libellé",
         "Débit", "Crédit"],
        *([transaction.occurred_on.isoformat(), transaction.id, transaction.journal, line.period, line.kind,
           account.code, account.name, line.label or transaction.description, decimal_comma(line.debit_cents),
           decimal_comma(line.credit_cents)] for line, account, transaction in rows)])
