"""Every payment received, as the treasurer browses them: words (payer, reference, order), a matching status,
an order, pages, and the rows shown as a spreadsheet."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ..checkout.models import Order
from ..core.money import decimal_comma
from ..core.spreadsheet import spreadsheet_csv
from ..web.tables import TableState
from .models import MATCH_STATUSES, Payment

MATCH_LABELS = {"matched": _l("Rapproché"), "partial": _l("Partiel"), "excess": _l("Trop-perçu"),
                "unmatched": _l("Sans commande"), "late": _l("Commande close")}
SOURCE_LABELS = {"manual": _l("Saisi à la main"), "statement": _l("Relevé bancaire"), "stripe": _l("Carte (Stripe)")}
PAYMENT_SORTS = {
    "recent": (col(Payment.booked_on).desc(), col(Payment.id).desc()),
    "oldest": (col(Payment.booked_on).asc(), col(Payment.id).asc()),
    "amount": (col(Payment.amount_cents).desc(), col(Payment.id).desc()),
}


def payment_table(args) -> TableState:
    return TableState.from_args(args, MATCH_STATUSES, PAYMENT_SORTS, "recent")


def payments_table(db: Session, table: TableState,
                   paged: bool = True) -> tuple[list[tuple[Payment, Order | None]], int]:
    """The payments that match, in the asked order, each with its order; and how many match."""
    query = select(Payment, Order).join(Order, Order.id == Payment.order_id, isouter=True)
    if table.q:
        like = f"%{table.q.lower()}%"
        query = query.where(or_(func.lower(Payment.payer).like(like), func.lower(Payment.reference).like(like),
                                func.lower(Order.number).like(like), func.lower(Order.billing_name).like(like)))
    if table.status:
        query = query.where(Payment.match_status == table.status)
    return table.fetch(db, query, PAYMENT_SORTS[table.sort], paged)


def payments_csv(rows: list[tuple[Payment, Order | None]]) -> bytes:
    return spreadsheet_csv([
        ["Date de valeur", "Origine", "Payeur", "Référence", "Montant", "Situation", "Traité", "Commande", "Acheteur"],
        *([payment.booked_on.strftime("%d/%m/%Y"), str(SOURCE_LABELS[payment.source]), payment.payer,
           payment.reference, decimal_comma(payment.amount_cents), str(MATCH_LABELS[payment.match_status]),
           "oui" if payment.resolved or payment.match_status == "matched" else "non",
           order.number if order else "", order.billing_name if order else ""] for payment, order in rows)])
