"""Exhibitors and sponsors at an event: a profile per stand bought, or per sponsorship, made when paid and
filled by the company (name, website, description, logo), shown on the event page; staff number the stands.
A sponsorship's invitations are issued with it."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..checkout.models import Order, OrderLine
from ..core.errors import Invalid, NotFound
from ..core.images import ImageRefused, reencoded
from ..mail.services import Attachment, queue_email
from .documents import tickets_pdf
from .models import Event, EventProfile, SponsorPackage
from .tickets import issue_tickets, void_tickets

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 480


def _profiles(db: Session, order: Order, line: OrderLine, event_id: int, roles: list[str]) -> list[EventProfile]:
    """The line's profiles, one per role in order (a sponsor, then the stands its package includes); once."""
    made = {p.position: p for p in db.exec(select(EventProfile).where(EventProfile.order_line_id == line.id)).all()}
    for position, role in enumerate(roles, start=1):
        if position not in made:
            made[position] = EventProfile(event_id=event_id, offer_id=line.offer_id, order_line_id=line.id,
                                          position=position, role=role, company=order.billing_name[:200],
                                          contact_email=order.billing_email)
            db.add(made[position])
    db.flush()
    return [made[p] for p in sorted(made)]


def _event_of(db: Session, line: OrderLine) -> tuple[Offer, Event | None]:
    offer = db.get(Offer, line.offer_id)
    return offer, (db.get(Event, offer.event_id) if offer.event_id is not None else None)


def exhibitor_paid(db: Session, order: Order, line: OrderLine) -> None:
    """A paid stand line: one exhibitor profile per stand, and the link to fill it in (once)."""
    offer, event = _event_of(db, line)
    if event is None:
        return
    profiles = _profiles(db, order, line, event.id, ["exhibitor"] * line.quantity)
    _tell(db, order, event, profiles, key=f"exhibitor:{line.id}")


def sponsor_paid(db: Session, order: Order, line: OrderLine) -> None:
    """A paid sponsorship: its profile (its logo on the event page), the stands and the invitations its package
    gives, sent once."""
    offer, event = _event_of(db, line)
    if event is None:
        return
    package = db.get(SponsorPackage, offer.id)
    profiles = _profiles(db, order, line, event.id, ["sponsor"] + ["exhibitor"] * (package.stands if package else 0))
    attachment = None
    if package is not None and package.invitations:
        tickets = issue_tickets(db, order, line, event.id, package.invitations, guest_of=order.billing_name)
        attachment = Attachment(f"invitations-{order.number}.pdf", "application/pdf",
                                tickets_pdf(event, [(t, f"{offer.title_fr} — invitation") for t in tickets]))
    _tell(db, order, event, profiles, key=f"sponsor:{line.id}", attachment=attachment)


def partner_cancelled(db: Session, order: Order, line: OrderLine) -> None:
    """Cancelled or refunded: the company no longer shows on the event page; its invitations are void."""
    if order.status in ("cancelled", "refunded"):
        db.connection().execute(update(EventProfile).where(EventProfile.order_line_id == line.id)
                                .values(visible=False))
        void_tickets(db, line)


def _tell(db: Session, order: Order, event: Event, profiles: list[EventProfile], key: str,
          attachment: Attachment | None = None) -> None:
    base = current_app.config["BASE_URL"].rstrip("/")
    links = "\n".join(base + url_for("events.edit_profile", profile_id=p.id, t=order.access_token) for p in profiles)
    queue_email(db, order.billing_email, _("%(event)s : votre présence sur la page de l'événement", event=event.title_fr),
                _("Bonjour,\n\nMerci ! Complétez ce qui paraîtra sur la page de %(event)s (nom, site, présentation, "
                  "logo) :\n%(links)s\n", event=event.title_fr, links=links), key=key, attachment=attachment)


def profile_for(db: Session, profile_id: int, token: str | None, organization_id: int | None,
                user_id: int | None) -> EventProfile:
    """The profile, for its buyer only (the order's link token, account or organization)."""
    row = db.exec(select(EventProfile, Order).join(OrderLine, OrderLine.id == EventProfile.order_line_id)
                  .join(Order, Order.id == OrderLine.order_id).where(EventProfile.id == profile_id)).first()
    if row is None:
        raise NotFound(_("Introuvable."))
    profile, order = row
    mine = (token and token == order.access_token) or (user_id is not None and order.user_id == user_id) or (
        organization_id is not None and order.organization_id == organization_id)
    if not mine or not profile.visible:
        raise NotFound(_("Introuvable."))
    return profile


def save_profile(db: Session, profile: EventProfile, company: str, website: str, description: str,
                 logo: bytes | None) -> EventProfile:
    profile.company, profile.website, profile.description = company, website, description
    if logo:
        profile.logo, profile.logo_type = normalized_logo(logo), "image/png"
    db.add(profile)
    db.flush()
    return profile


def normalized_logo(data: bytes) -> bytes:
    """A PNG of at most 480 px a side from an uploaded image (PNG, JPEG, WebP), or Invalid."""
    try:
        return reencoded(data, LOGO_MAX_BYTES, LOGO_MAX_SIDE, "PNG")
    except ImageRefused as refused:
        if refused.reason == "too_large":
            raise Invalid(_("Le logo dépasse 512 Ko."), field="logo") from refused
        raise Invalid(_("Le logo doit être une image PNG, JPEG ou WebP."), field="logo") from refused


def partners_of(db: Session, event_id: int, role: str | None = None) -> list[tuple[EventProfile, Offer]]:
    query = (select(EventProfile, Offer).join(Offer, Offer.id == EventProfile.offer_id)
             .where(EventProfile.event_id == event_id, col(EventProfile.visible))
             .order_by(col(Offer.list_price_cents).desc(), EventProfile.company))
    if role is not None:
        query = query.where(EventProfile.role == role)
    return list(db.exec(query).all())


def set_stand_number(db: Session, event: Event, profile_id: int, number: str) -> EventProfile:
    profile = db.get(EventProfile, profile_id)
    if profile is None or profile.event_id != event.id or profile.role != "exhibitor":
        raise NotFound(_("Introuvable."))
    profile.stand_number = " ".join(number.split())[:20]
    db.add(profile)
    db.flush()
    return profile
