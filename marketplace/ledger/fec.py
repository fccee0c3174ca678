"""FEC (Fichier des Écritures Comptables) of one cluster for one fiscal year, as French accountants expect it.

18 columns in the legal order, a header line, tab-separated, ISO-8859-15, dates AAAAMMJJ, decimal
comma, no empty last line, named `<SIREN>FEC<closing date AAAAMMJJ>.txt` (article A47 A-1 of the LPF).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..clusters.models import Cluster
from ..core.money import decimal_comma
from .models import LedgerAccount, LedgerLine, LedgerTransaction
from .queries import spreadsheet_cell
from .services import JOURNALS

COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise")


def _clean(text: str) -> str:
    """No tab or line break inside a field; characters ISO-8859-15 lacks become '?'."""
    flat = " ".join(text.replace("\t", " ").split())
    return flat.encode("iso-8859-15", "replace").decode("iso-8859-15")


def _text(text: str) -> str:
    """A free-text field, cleaned, that a spreadsheet opening the file never runs as a formula."""
    # Accountants often open the FEC in a spreadsheet; cleaning first, as it strips the leading blanks.
    return spreadsheet_cell(_clean(text))


def fec_filename(cluster: Cluster, year: int) -> str:
    return f"{cluster.siret[:9]}FEC{year}1231.txt"


def fec_for_cluster(db: Session, cluster: Cluster, year: int) -> bytes:
    """Every ledger line of the cluster's own accounts in the calendar year, one FEC row each."""
    rows = db.exec(
        select(LedgerLine, LedgerAccount, LedgerTransaction)
        .join(LedgerAccount, LedgerAccount.id == LedgerLine.account_id)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerLine.transaction_id)
        .where(LedgerAccount.cluster_id == cluster.id, LedgerAccount.key.startswith(f"cluster-{cluster.id}:"),
               LedgerTransaction.occurred_on >= date(year, 1, 1), LedgerTransaction.occurred_on <= date(year, 12, 31))
        .order_by(LedgerTransaction.occurred_on, LedgerTransaction.id, LedgerLine.id)
    ).all()
    lines = ["\t".join(COLUMNS)]
    for line, account, transaction in rows:
        day = f"{transaction.occurred_on:%Y%m%d}"
        piece = transaction.idempotency_key.split(":")[0] + f"-{transaction.order_id or transaction.id}"
        lines.append("\t".join((
            transaction.journal, JOURNALS.get(transaction.journal, transaction.journal), str(transaction.id), day, account.code, _text(account.name), "", "", _text(piece), day,
            _text(line.label or transaction.description), decimal_comma(line.debit_cents), decimal_comma(line.credit_cents),
            "", "", day, "", "")))
    return "\r\n".join(lines).encode("iso-8859-15")
