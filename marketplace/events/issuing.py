"""A paid ticket line: its tickets are issued and sent to the buyer as a PDF; an order ending voids them."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlmodel import Session, select

from ..catalogue.models import Offer
from ..checkout.models import OrderLine
from ..mail.services import Attachment, queue_email
from .documents import tickets_pdf
from .models import Event, Ticket
from .tickets import issue_tickets, void_tickets


def send_tickets(db: Session, order, line) -> None:
    """Issue the line's tickets (once) and email them, attached as one PDF (once)."""
    offer = db.get(Offer, line.offer_id)
    if offer is None or offer.event_id is None:
        return  # a ticket sold on its own, for no event of the console: its order is the admission
    event = db.get(Event, offer.event_id)
    tickets = issue_tickets(db, order, line, event.id)
    pdf = tickets_pdf(event, [(t, offer.title_fr) for t in tickets])
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("events.my_tickets")
    queue_email(db, order.billing_email, _("Vos billets : %(event)s", event=event.title_fr),
                ngettext("Bonjour,\n\nVoici votre billet pour %(event)s, en pièce jointe (avec son code QR).\n"
                         "Vous pouvez changer le nom du participant jusqu'à l'événement : %(link)s\n",
                         "Bonjour,\n\nVoici vos %(num)d billets pour %(event)s, en pièce jointe (un par "
                         "participant, avec son code QR).\nVous pouvez changer le nom d'un participant jusqu'à "
                         "l'événement : %(link)s\n", len(tickets), event=event.title_fr, link=link),
                key=f"tickets:{line.id}",
                attachment=Attachment(f"billets-{order.number}.pdf", "application/pdf", pdf))


def void_line_tickets(db: Session, order, line) -> None:
    if order.status in ("cancelled", "refunded"):
        void_tickets(db, line)


def ticket_documents(db: Session, order) -> list[tuple[str, str]]:
    """The order page links to its tickets' PDF once they are issued."""
    issued = db.exec(select(Ticket.id).join(OrderLine, OrderLine.id == Ticket.order_line_id)
                     .where(OrderLine.order_id == order.id)).first()
    if issued is None:
        return []
    return [(_("Billets (PDF)"), url_for("events.order_tickets_pdf", number=order.number, t=order.access_token))]
