"""A cluster's orders as its staff browse them: words to find, a status, an order, pages, and the rows shown as
a spreadsheet."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ..core.money import decimal_comma
from ..core.spreadsheet import spreadsheet_csv
from ..core.timeutil import paris_minute
from ..web.tables import TableState
from .models import Order, OrderLine
from .orders import ORDER_STATUS_LABELS

ORDER_SORTS = {
    "recent": lambda share: (col(Order.id).desc(),),
    "oldest": lambda share: (col(Order.id).asc(),),
    "amount": lambda share: (share.desc(), col(Order.id).desc()),
    "buyer": lambda share: (func.lower(Order.billing_name), Order.id),
}
ORDER_SORT_LABELS = {"recent": _l("Plus récentes"), "oldest": _l("Plus anciennes"), "amount": _l("Montant"),
                     "buyer": _l("Acheteur")}


def order_table(args) -> TableState:
    """The orders table's state from the URL: words (number, buyer, email, reference), a status, an order, a page."""
    return TableState.from_args(args, ORDER_STATUS_LABELS, ORDER_SORTS, "recent")


def orders_of_cluster(db: Session, cluster_id: int, table: TableState,
                      paged: bool = True) -> tuple[list[tuple[Order, int]], int]:
    """The cluster's orders that match, in the asked order, each with the cluster's share incl. VAT; and how many
    match. Unpaged, every match (at most MAX_EXPORT), for the spreadsheet."""
    shares = (select(OrderLine.order_id, func.sum(OrderLine.incl_cents).label("share"))
              .where(OrderLine.cluster_id == cluster_id).group_by(OrderLine.order_id).subquery())
    query = select(Order, shares.c.share).join(shares, shares.c.order_id == Order.id)
    if table.q:
        like = f"%{table.q.lower()}%"
        query = query.where(or_(*(func.lower(column).like(like) for column in (
            Order.number, Order.billing_name, Order.billing_email, Order.payment_reference))))
    if table.status:
        query = query.where(Order.status == table.status)
    rows, total = table.fetch(db, query, ORDER_SORTS[table.sort](shares.c.share), paged)
    return [(order, int(share)) for order, share in rows], total


def orders_csv(rows: list[tuple[Order, int]]) -> bytes:
    """The orders shown, for a spreadsheet (semicolons, UTF-8 with BOM, amounts with a decimal comma)."""
    return spreadsheet_csv([
        ["Commande", "Date", "Acheteur", "Email", "SIRET", "Statut", "Part du cluster TTC", "Total TTC", "Reçu"],
        *([order.number, paris_minute(order.created_at), order.billing_name,
           order.billing_email, order.billing_siret or "", str(ORDER_STATUS_LABELS[order.status]),
           decimal_comma(share), decimal_comma(order.total_incl_cents), decimal_comma(order.paid_cents)]
          for order, share in rows)])
