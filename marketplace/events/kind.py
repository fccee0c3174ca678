"""The kinds of offer sold for an event: ticket types, exhibitor stands and sponsorship packages, held from
their own capacity and the event's shared quotas."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from ..core.errors import PricingError
from ..core.kinds import OfferKind, register_kind
from .conflicts import sponsor_conflicts
from .invitations import read_ticket_options, ticket_terms, ticket_unit
from .issuing import send_tickets, ticket_documents, void_line_tickets
from .models import Event
from .profiles import exhibitor_paid, partner_cancelled, sponsor_paid
from .stock import QUOTAS, TICKET_KIND


def check_on_sale(db: Session, offer, options, quantity: int, buyer=None) -> None:
    """An event's offers sell while the event is published: not before, nor once sales close or it is cancelled;
    a sold-out offer is said at once (the checkout holds its seats for good)."""
    event = db.get(Event, offer.event_id) if offer.event_id is not None else None
    if event is not None and event.status != "published":
        raise PricingError("sales_closed", f"Les ventes de « {event.title_fr} » sont fermées.",
                           f"Sales for “{event.title_en}” are closed.", "offer_id")
    left = QUOTAS.available(db, offer, options)
    if left is not None and left < quantity:
        places = "place disponible" if left <= 1 else "places disponibles"
        raise PricingError("sold_out", f"Complet : {left} {places}.",
                           f"Sold out: {left} place{'' if left == 1 else 's'} left.", "quantity")


EVENT_TICKET = register_kind(OfferKind(TICKET_KIND, _l("Billet d'événement"), "events", stock=QUOTAS,
                                       price_unit=ticket_unit, load_terms=ticket_terms, terms_are_live=True,
                                       read_options=read_ticket_options,
                                       check_available=check_on_sale, named_units=True, on_paid=send_tickets,
                                       on_cancelled=void_line_tickets, documents=ticket_documents))
STAND = register_kind(OfferKind("stand", _l("Stand exposant"), "events", stock=QUOTAS, check_available=check_on_sale,
                                on_paid=exhibitor_paid, on_cancelled=partner_cancelled))
SPONSORSHIP = register_kind(OfferKind("sponsorship", _l("Parrainage"), "events", stock=QUOTAS,
                                      check_available=check_on_sale, needs_review=sponsor_conflicts,
                                      on_paid=sponsor_paid, on_cancelled=partner_cancelled))
