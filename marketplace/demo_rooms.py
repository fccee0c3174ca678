"""The demo's rooms as they are run: La Cantine's space (its whole grid, hours, closures, a buffer and a
cancellation policy) with bookings over the coming weeks and a quote request above its grid; Mecabourg's
meeting room open to partner clusters' members; a second member holding coworking tickets."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session, select

from .auth.models import User
from .catalogue.models import Offer
from .catalogue.search import viewer_for
from .checkout.cart import add_to_cart, ensure_cart
from .checkout.models import Order
from .checkout.orders import Billing, place_order
from .clusters.models import Cluster, Organization
from .core.errors import PricingError
from .payments.services import record_manual_payment
from .rooms.models import RoomClosure, RoomHours, RoomQuote, RoomSpace
from .rooms.quotes import request_quote

# offer slug: capacity, equipment, buffer minutes, free cancellation days, fee bps,
# opening hours per weekday (0 = Monday; a weekday left out is closed)
SPACES = {
    "la-cantine-salle": (100, "Vidéoprojecteur, sonorisation, scène, wifi ; salle de réunion de 20 places", 60, 14,
                         5000, {**{day: (time(8), time(23)) for day in range(6)}, 6: (time(9), time(19))}),
    "salle-reunion-mecabourg": (12, "Écran 75 pouces, visioconférence, tableau blanc", 30, 7, 10000,
                                {day: (time(8, 30), time(18, 30)) for day in range(5)}),
}
# Closed days of the coming year, with their reason (only those still to come are added).
CLOSURES = [((12, 25), "Noël"), ((1, 1), "Jour de l'an"), ((5, 1), "Fête du travail")]

# booker email, cluster, offer slug, days from today (moved to the next day it can be booked), options
BOOKINGS = [
    ("hello@pixel-sentier.fr", "silicon-sentier", "la-cantine-salle", 5,
     {"slot": "half_day", "half": "morning", "people": 30}),
    ("camille.martin@exemple.fr", "silicon-sentier", "la-cantine-salle", 8, {"slot": "breakfast", "people": 12}),
    ("commercial@flacons-cie.fr", "silicon-sentier", "la-cantine-salle", 12, {"slot": "evening", "people": 40}),
    ("rd@lumiere-loire.fr", "silicon-sentier", "la-cantine-salle", 19, {"slot": "full_day", "people": 60}),
    ("achats@cel-lorraine.fr", "silicon-sentier", "la-cantine-salle", 26,
     {"slot": "meeting", "half": "afternoon", "people": 8}),
    ("contact@isolation-rhone.fr", "mecabourg", "salle-reunion-mecabourg", 6,
     {"slot": "half_day", "half": "afternoon", "people": 8}),
    ("contact@usinage-bressan.fr", "mecabourg", "salle-reunion-mecabourg", 10, {"slot": "full_day", "people": 10}),
]
QUOTE = ("Grande Conférence SAS", "evenements@grande-conference.fr", 150, 33,
         "Plénière de 150 personnes puis cocktail ; traiteur et captation vidéo à prévoir.")


def _offer(db: Session, cluster: Cluster, slug: str) -> Offer:
    return db.exec(select(Offer).where(Offer.cluster_id == cluster.id, Offer.slug == slug)).one()


def _run_spaces(db: Session, clusters: dict[str, Cluster], today: date) -> None:
    for slug, (capacity, equipment, buffer, free_days, fee_bps, hours) in SPACES.items():
        cluster = clusters["silicon-sentier" if slug.startswith("la-cantine") else "mecabourg"]
        offer = _offer(db, cluster, slug)
        if db.get(RoomSpace, offer.id) is not None:
            continue
        db.add(RoomSpace(offer_id=offer.id, capacity=capacity, equipment=equipment, buffer_minutes=buffer,
                         cancel_free_days=free_days, cancel_fee_bps=fee_bps))
        db.add_all([RoomHours(offer_id=offer.id, weekday=day, opens=opens, closes=closes)
                    for day, (opens, closes) in hours.items()])
        for (month, day), reason in CLOSURES:
            closed = date(today.year, month, day)
            closed = closed if closed > today else date(today.year + 1, month, day)
            db.add(RoomClosure(offer_id=offer.id, day=closed, reason=reason))
    db.flush()


def _book(db: Session, clusters: dict[str, Cluster], today: date, index: int) -> None:
    """One paid booking, on the first day from `days` on that the room is open and free."""
    email, slug, offer_slug, days, options = BOOKINGS[index]
    key = f"demo-room-{index}"
    if db.exec(select(Order).where(Order.idempotency_key == key)).first() is not None:
        return
    offer = _offer(db, clusters[slug], offer_slug)
    user = db.exec(select(User).where(User.email == email)).one()
    organization = db.get(Organization, user.organization_id)
    viewer = viewer_for(db, organization.id, today.year)
    cart = ensure_cart(db, None, user.id)
    for shift in range(14):
        try:
            with db.begin_nested():
                add_to_cart(db, cart, offer.id, 1, {**options, "date": today + timedelta(days=days + shift)}, viewer)
            break
        except PricingError:  # closed or taken that day: the demo tries the next one
            continue
    order, _created = place_order(db, cart, viewer, user.id, Billing(organization.name, user.email,
                                                                     organization.siret, city=organization.city),
                                  key, 30)
    record_manual_payment(db, order, order.total_incl_cents, today, None, "Virement de démonstration")


def load_demo_rooms(db: Session, clusters: dict[str, Cluster], today: date) -> None:
    _run_spaces(db, clusters, today)
    for index in range(len(BOOKINGS)):
        _book(db, clusters, today, index)
    cantine = _offer(db, clusters["silicon-sentier"], "la-cantine-salle")
    name, email, people, days, message = QUOTE
    if db.exec(select(RoomQuote).where(RoomQuote.email == email)).first() is None:
        day = today + timedelta(days=days)
        day += timedelta(days=(3 - day.weekday()) % 7)  # a Thursday
        request_quote(db, cantine, day, "full_day", None, people, name, email, message)
    db.flush()
