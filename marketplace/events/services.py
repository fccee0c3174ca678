"""Use cases of events: an event and its days, the offers sold for it, the quotas its ticket types share."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..checkout.models import Order, OrderLine
from ..clusters.models import Cluster
from ..core.errors import Conflict, Invalid, NotFound
from ..core.states import HOLDING_STATUSES
from .models import Event, EventDay, EventQuota, EventQuotaOffer, SponsorExclusion
from .stock import TICKET_KIND

EVENT_KINDS = (TICKET_KIND, "stand", "sponsorship")  # what can be sold for an event (kind.py registers them)
PUBLIC_STATUSES = ("published", "sales_closed", "cancelled")
STATUS_TRANSITIONS = {"draft": {"published"}, "published": {"sales_closed", "draft"}, "sales_closed": {"published"},
                      "cancelled": set()}
CAPACITY_QUOTA = "Capacité de l'événement"


@dataclass(frozen=True)
class EventInput:
    """An event as staff describe it (times are aware datetimes)."""

    slug: str
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    description_fr: str
    description_en: str
    venue: str
    city: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None


def save_event(db: Session, cluster: Cluster, event: Event, data: EventInput) -> Event:
    """Create or update an event of the cluster; its address is unique, it ends after it starts, and its
    capacity becomes the quota every ticket type shares (never below the seats already held)."""
    if data.ends_at < data.starts_at:
        raise Invalid(_("L'événement doit finir après son début."), field="ends_at")
    query = select(Event.id).where(Event.slug == data.slug)
    if event.id is not None:
        query = query.where(Event.id != event.id)
    if db.exec(query).first() is not None:
        raise Conflict(_("Cette adresse est déjà celle d'un autre événement."), field="slug")
    for name, value in asdict(data).items():
        setattr(event, name, value)
    event.cluster_id = cluster.id
    db.add(event)
    db.flush()
    _sync_capacity(db, event)
    return event


def _sync_capacity(db: Session, event: Event) -> None:
    quota = db.exec(select(EventQuota).where(EventQuota.event_id == event.id, col(EventQuota.every_ticket))).first()
    if event.capacity is None:
        if quota is not None:
            db.delete(quota)
            db.flush()
        return
    if quota is None:
        quota = EventQuota(event_id=event.id, name=CAPACITY_QUOTA, size=event.capacity, every_ticket=True,
                           held_units=held_units(db, [o.id for o in offers_of(db, event.id, TICKET_KIND)]))
    elif event.capacity < quota.held_units:
        raise Conflict(_("%(n)d places sont déjà vendues ou réservées : la capacité ne peut pas être plus petite.",
                         n=quota.held_units), field="capacity")
    quota.size = event.capacity
    db.add(quota)
    db.flush()


def held_units(db: Session, offer_ids: list[int]) -> int:
    """Units the orders still holding stock (awaiting payment or paid) take of these offers."""
    if not offer_ids:
        return 0
    return int(db.exec(select(func.coalesce(func.sum(OrderLine.units), 0))
                       .join(Order, Order.id == OrderLine.order_id)
                       .where(col(OrderLine.offer_id).in_(offer_ids),
                              col(Order.status).in_(HOLDING_STATUSES))).one())


def change_status(db: Session, event: Event, status: str) -> Event:
    if status not in STATUS_TRANSITIONS.get(event.status, set()):
        raise Conflict(_("Cet événement ne peut pas passer à cet état."), field="status")
    event.status = status
    db.add(event)
    db.flush()
    return event


def set_days(db: Session, event: Event, days: list[tuple[date, time, time]]) -> list[EventDay]:
    """Replace the event's days (each with its opening hours), within its dates."""
    for day, opens, closes in days:
        if closes <= opens:
            raise Invalid(_("Le %(day)s ferme avant d'ouvrir.", day=day.strftime("%d/%m/%Y")), field="days")
    for old in db.exec(select(EventDay).where(EventDay.event_id == event.id)).all():
        db.delete(old)
    db.flush()
    rows = [EventDay(event_id=event.id, day=day, opens=opens, closes=closes) for day, opens, closes in sorted(days)]
    db.add_all(rows)
    db.flush()
    return rows


def days_of(db: Session, event_id: int) -> list[EventDay]:
    return list(db.exec(select(EventDay).where(EventDay.event_id == event_id).order_by(EventDay.day)).all())


def offers_of(db: Session, event_id: int, kind: str | None = None, published_only: bool = False) -> list[Offer]:
    query = select(Offer).where(Offer.event_id == event_id).order_by(Offer.list_price_cents, Offer.id)
    if kind is not None:
        query = query.where(Offer.kind == kind)
    if published_only:
        query = query.where(col(Offer.is_published))
    return list(db.exec(query).all())


def attach_offer(db: Session, event: Event, offer: Offer) -> Offer:
    """Sell an offer of the event's cluster for the event (a ticket type joins the event's capacity)."""
    if offer.cluster_id != event.cluster_id or offer.kind not in EVENT_KINDS:
        raise Invalid(_("Seuls les billets, stands et parrainages du cluster se vendent pour un événement."),
                      field="offer_id")
    if offer.event_id not in (None, event.id):
        raise Conflict(_("Cette offre est déjà vendue pour un autre événement."), field="offer_id")
    if offer.event_id is None:
        offer.event_id = event.id
        db.add(offer)
        _move_capacity(db, event, offer, +1)
    db.flush()
    return offer


def detach_offer(db: Session, event: Event, offer: Offer) -> Offer:
    """The offer is no longer sold for the event: it leaves the event's quotas, with the seats it holds."""
    if offer.event_id != event.id:
        raise NotFound(_("Cette offre n'est pas vendue pour cet événement."))
    _move_capacity(db, event, offer, -1)
    for link in db.exec(select(EventQuotaOffer).where(EventQuotaOffer.offer_id == offer.id)).all():
        _shift(db, link.quota_id, -held_units(db, [offer.id]))
        db.delete(link)
    offer.event_id = None
    db.add(offer)
    db.flush()
    return offer


def _move_capacity(db: Session, event: Event, offer: Offer, sign: int) -> None:
    if offer.kind != TICKET_KIND:
        return
    quota = db.exec(select(EventQuota).where(EventQuota.event_id == event.id, col(EventQuota.every_ticket))).first()
    if quota is not None:
        _shift(db, quota.id, sign * held_units(db, [offer.id]))


def _shift(db: Session, quota_id: int, units: int) -> None:
    """Count (or stop counting) seats already held in a quota; it never goes over its size."""
    if units == 0:
        return
    moved = db.connection().execute(update(EventQuota).where(
        EventQuota.id == quota_id, EventQuota.held_units + units <= EventQuota.size,
        EventQuota.held_units + units >= 0).values(held_units=EventQuota.held_units + units))
    if moved.rowcount != 1:
        raise Conflict(_("Le quota ne peut pas compter ces places : il serait dépassé."), field="size")


def add_quota(db: Session, event: Event, name: str, size: int, offer_ids: list[int]) -> EventQuota:
    """Seats shared by some of the event's ticket types, counting those they already hold."""
    tickets = {o.id for o in offers_of(db, event.id, TICKET_KIND)}
    if not offer_ids or not set(offer_ids) <= tickets:
        raise Invalid(_("Choisissez des billets de cet événement."), field="offer_ids")
    held = held_units(db, offer_ids)
    if size < held:
        raise Conflict(_("%(n)d places de ces billets sont déjà vendues ou réservées : le quota doit être au "
                         "moins de %(n)d.", n=held), field="size")
    quota = EventQuota(event_id=event.id, name=name, size=size, held_units=held)
    db.add(quota)
    db.flush()
    db.add_all([EventQuotaOffer(quota_id=quota.id, offer_id=offer_id) for offer_id in sorted(set(offer_ids))])
    db.flush()
    return quota


def remove_quota(db: Session, event: Event, quota_id: int) -> None:
    quota = db.get(EventQuota, quota_id)
    if quota is None or quota.event_id != event.id or quota.every_ticket:
        raise NotFound(_("Quota introuvable."))
    for link in db.exec(select(EventQuotaOffer).where(EventQuotaOffer.quota_id == quota.id)).all():
        db.delete(link)
    db.delete(quota)
    db.flush()


def quotas_with_offers(db: Session, event_id: int) -> list[tuple[EventQuota, list[Offer]]]:
    quotas = db.exec(select(EventQuota).where(EventQuota.event_id == event_id).order_by(EventQuota.id)).all()
    links = db.exec(select(EventQuotaOffer, Offer).join(Offer, Offer.id == EventQuotaOffer.offer_id)
                    .where(col(EventQuotaOffer.quota_id).in_([q.id for q in quotas]))).all()
    tickets = offers_of(db, event_id, TICKET_KIND)
    return [(q, tickets if q.every_ticket else [o for link, o in links if link.quota_id == q.id]) for q in quotas]


def events_of(db: Session, cluster_id: int) -> list[Event]:
    return list(db.exec(select(Event).where(Event.cluster_id == cluster_id).order_by(col(Event.starts_at).desc()))
                .all())


def upcoming_events(db: Session, now: datetime) -> list[tuple[Event, Cluster]]:
    """Events open to the public that have not ended, soonest first."""
    return list(db.exec(select(Event, Cluster).join(Cluster, Cluster.id == Event.cluster_id)
                        .where(col(Event.status).in_(PUBLIC_STATUSES), Event.ends_at >= now)
                        .order_by(Event.starts_at, Event.id)).all())


def public_event(db: Session, slug: str, sees_drafts: bool = False) -> tuple[Event, Cluster]:
    row = db.exec(select(Event, Cluster).join(Cluster, Cluster.id == Event.cluster_id)
                  .where(Event.slug == slug)).first()
    if row is None or (row[0].status == "draft" and not sees_drafts):
        raise NotFound(_("Événement introuvable."))
    return row


def add_exclusion(db: Session, cluster: Cluster, siret: str, name: str, reason: str) -> SponsorExclusion:
    if db.exec(select(SponsorExclusion).where(SponsorExclusion.cluster_id == cluster.id,
                                              SponsorExclusion.siret == siret)).first():
        raise Conflict(_("Ce SIRET est déjà sur la liste."), field="siret")
    row = SponsorExclusion(cluster_id=cluster.id, siret=siret, name=name, reason=reason)
    db.add(row)
    db.flush()
    return row


def exclusions_of(db: Session, cluster_id: int) -> list[SponsorExclusion]:
    return list(db.exec(select(SponsorExclusion).where(SponsorExclusion.cluster_id == cluster_id)
                        .order_by(SponsorExclusion.name)).all())
