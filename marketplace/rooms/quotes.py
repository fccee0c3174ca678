"""Quote requests for a room above its grid (a large group): the visitor asks for a date, a slot and a number of
people; staff answer a price (excl. VAT); the requester accepts it and books at that price through the normal
checkout, the slot held there as for any booking."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..clusters.models import Cluster
from ..core.errors import Conflict, Invalid
from ..core.money import format_eur_fr
from ..core.timeutil import paris_today, utcnow
from ..mail.services import queue_email
from . import rules
from .models import RoomQuote
from .services import refusal


def request_quote(db: Session, offer, day, slot: str, half: str | None, people: int, name: str, email: str,
                  message: str) -> RoomQuote:
    if slot not in rules.SLOTS:
        raise Invalid(_("Choisissez un créneau."), field="slot")
    if day <= paris_today():
        raise Invalid(_("Choisissez une date à venir."), field="day")
    problem = refusal(db, offer, rules.Booking(day, rules.SLOTS[slot], people, half))
    if problem is not None:
        raise Invalid(problem.message, field="day")
    quote = RoomQuote(offer_id=offer.id, day=day, slot=slot, half=half, people=people, name=name, email=email,
                      message=message, token=secrets.token_urlsafe(24))
    db.add(quote)
    db.flush()
    cluster = db.get(Cluster, offer.cluster_id)
    if cluster.email:
        queue_email(db, cluster.email, _("Demande de devis : %(room)s, %(day)s", room=offer.title_fr,
                                         day=day.strftime("%d/%m/%Y")),
                    _("%(name)s (%(email)s) demande un devis pour %(people)d personnes le %(day)s.\n\n%(message)s\n",
                      name=name, email=email, people=people, day=day.strftime("%d/%m/%Y"), message=message),
                    key=f"room-quote:{quote.id}")
    return quote


def propose(db: Session, offer, quote: RoomQuote, price_cents: int, note: str, now: datetime | None = None) -> RoomQuote:
    """Staff's price for the request, sent to the requester with the link to accept it."""
    if quote.status not in ("requested", "proposed"):
        raise Conflict(_("Ce devis a déjà reçu une réponse du demandeur."))
    if offer.room_quote_minimum_cents is not None and price_cents < offer.room_quote_minimum_cents:
        raise Invalid(_("Le minimum de cette salle sur devis est de %(min)s HT.",
                        min=format_eur_fr(offer.room_quote_minimum_cents)), field="price")
    quote.status, quote.price_cents, quote.staff_note, quote.answered_at = "proposed", price_cents, note, now or utcnow()
    db.add(quote)
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("rooms.quote_page", quote_id=quote.id, t=quote.token)
    queue_email(db, quote.email, _("Votre devis : %(room)s, %(day)s", room=offer.title_fr,
                                   day=quote.day.strftime("%d/%m/%Y")),
                _("Bonjour,\n\nNotre proposition pour %(people)d personnes le %(day)s : %(price)s HT.\n%(note)s\n\n"
                  "Pour l'accepter et réserver : %(link)s\n", people=quote.people, day=quote.day.strftime("%d/%m/%Y"),
                  price=format_eur_fr(price_cents), note=note, link=link),
                key=f"room-quote:{quote.id}:{price_cents}")
    db.flush()
    return quote


def answer(db: Session, quote: RoomQuote, accept: bool) -> RoomQuote:
    """The requester accepts (then books at that price) or declines the proposal."""
    if quote.status != "proposed" and not (accept and quote.status == "accepted"):
        raise Conflict(_("Ce devis n'attend pas de réponse."))
    quote.status = "accepted" if accept else "declined"
    db.add(quote)
    db.flush()
    return quote


def booking_options(quote: RoomQuote) -> dict:
    options = {"date": quote.day, "slot": quote.slot, "people": quote.people, "quote": quote.id,
               "quote_token": quote.token}
    if quote.half:
        options["half"] = quote.half
    return options


def quotes_of(db: Session, offer_id: int) -> list[RoomQuote]:
    return list(db.exec(select(RoomQuote).where(RoomQuote.offer_id == offer_id)
                        .order_by(col(RoomQuote.created_at).desc())).all())
