"""The review of a cluster's orders held for approval
(sponsorships): approved, they go on to payment; rejected, they are cancelled and their stock released."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlmodel import Session, select

from ..clusters.models import Cluster
from ..core.errors import Invalid, NotFound
from ..core.money import format_eur_fr
from ..mail.services import queue_email
from ..web.i18n import moment
from .deadlines import set_deadline
from .models import Order, OrderLine
from .orders import change_order_status, order_link


def cluster_order(db: Session, cluster_id: int, order_id: int) -> Order:
    """An order with a line issued by the cluster; any other is not found."""
    line = db.exec(select(OrderLine.id).where(OrderLine.order_id == order_id,
                                              OrderLine.cluster_id == cluster_id)).first()
    order = db.get(Order, order_id) if line is not None else None
    if order is None:
        raise NotFound(_("Commande introuvable."))
    return order


def _decide(order: Order, verdict: str, reason: str, who: str) -> None:
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid(_("Indiquez le motif de la décision : il reste attaché à la commande."), field="reason")
    order.review_decision = f"{verdict} par {who} : {reason}"[:1000]


def approve_order(db: Session, order: Order, now: datetime, config, reason: str, who: str) -> Order:
    """The order held for review goes on to payment with a full payment deadline from now; the reason is kept and
    the buyer told they may pay."""
    _decide(order, "Validée", reason, who)
    change_order_status(db, order, "pending_payment", now)
    set_deadline(db, order, now, config)
    queue_email(db, order.billing_email, _("Commande %(number)s validée", number=order.number),
                _("Bonjour,\n\nLes organisateurs ont validé votre commande %(number)s (%(amount)s). Vous pouvez la "
                  "régler jusqu'au %(deadline)s : %(link)s\n", number=order.number,
                  amount=format_eur_fr(order.total_incl_cents), deadline=moment(order.hold_expires_at),
                  link=order_link(order)),
                key=f"review:{order.id}:approved")
    return order


def reject_order(db: Session, order: Order, now: datetime, reason: str, who: str) -> Order:
    """The order held for review is cancelled (nothing was paid yet); its stock goes back on sale and the buyer is
    told (the reason stays for staff: it may name a conflict of interest)."""
    _decide(order, "Refusée", reason, who)
    order = change_order_status(db, order, "cancelled", now)
    contact = db.exec(select(Cluster.email).join(OrderLine, OrderLine.cluster_id == Cluster.id)
                      .where(OrderLine.order_id == order.id).order_by(OrderLine.id)).first()
    queue_email(db, order.billing_email, _("Commande %(number)s non retenue", number=order.number),
                _("Bonjour,\n\nLes organisateurs n'ont pas retenu votre commande %(number)s ; elle est annulée et "
                  "rien ne vous sera facturé. Pour en savoir plus, écrivez-leur : %(contact)s\n",
                  number=order.number, contact=contact or ""), key=f"review:{order.id}:rejected")
    return order
