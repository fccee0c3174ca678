"""What happens when an order is paid, step by step, in the order of the business.

The steps are written once, here: the order becomes paid, each issuing cluster invoices it, the sale is
posted to the ledger (split between clusters and the platform), each line's kind does what a paid line
of its kind does (a membership starts...), and the buyer is told, with the invoices. Every step is
idempotent, so paying twice, a replayed webhook or a statement imported again runs nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session

from ..agreements.services import is_success_fee_order
from ..checkout.models import Order
from ..checkout.orders import change_order_status, lines_of
from ..core.kinds import get_kind
from ..core.timeutil import utcnow
from ..invoicing.models import Invoice
from ..invoicing.services import issue_invoices, sold_lines
from ..ledger.services import post_sale
from ..mail.services import queue_email


@dataclass
class PaidOrder:
    """An order being paid, and what the steps pass on to each other."""

    order: Order
    booked_on: date
    invoices: list[Invoice] = field(default_factory=list)


def mark_paid(db: Session, paid: PaidOrder) -> None:
    """The order is paid (once: a paid order stays so)."""
    if paid.order.status != "paid":
        paid.order.paid_at = utcnow()
        change_order_status(db, paid.order, "paid")


def invoice(db: Session, paid: PaidOrder) -> None:
    """One invoice per issuing cluster (an order is invoiced once)."""
    paid.invoices = issue_invoices(db, paid.order, paid.booked_on)


def post_the_sale(db: Session, paid: PaidOrder) -> None:
    """The ledger records the sale, split to the cent (the posting's key makes it once)."""
    kind = "success_fee" if is_success_fee_order(db, paid.order.id) else "sale"
    post_sale(db, paid.order.id, paid.order.number, [line for i in paid.invoices for line in sold_lines(i)],
              paid.booked_on, kind)


def run_kind_hooks(db: Session, paid: PaidOrder) -> None:
    """Each line's kind does what a paid line of its kind does (its hooks are idempotent)."""
    for line in lines_of(db, paid.order.id):
        hook = get_kind(line.kind).on_paid
        if hook is not None:
            hook(db, paid.order, line)


def tell_the_buyer(db: Session, paid: PaidOrder) -> None:
    """The buyer's payment confirmation with a link to each invoice (written once)."""
    order = paid.order
    base = current_app.config["BASE_URL"].rstrip("/")
    links = "\n".join(f"- {invoice.number} : {base}/invoices/{invoice.id}.pdf?t={order.access_token}"
                      for invoice in paid.invoices)
    queue_email(db, order.billing_email, _("Paiement reçu pour la commande %(number)s", number=order.number),
                _("Bonjour,\n\nNous avons bien reçu votre paiement de la commande %(number)s. Merci !\n\n"
                  "Vos factures :\n%(links)s\n\nSuivre la commande : %(base)s/orders/%(number)s?t=%(token)s\n",
                  number=order.number, links=links, base=base, token=order.access_token),
                key=f"order:{order.id}:paid")


ORDER_PAID_STEPS = (mark_paid, invoice, post_the_sale, run_kind_hooks, tell_the_buyer)


def order_paid(db: Session, order: Order, booked_on: date) -> list[Invoice]:
    """Run every step of a paid order; returns its invoices."""
    paid = PaidOrder(order, booked_on)
    for step in ORDER_PAID_STEPS:
        step(db, paid)
    return paid.invoices
