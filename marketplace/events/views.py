"""The public page of an event: its days, venue and organisers, its ticket types priced for the viewer with
the seats left when few remain, its stands and sponsorship packages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from flask_login import current_user
from sqlmodel import col, select

from ..auth.permissions import can_view_cluster_console
from ..catalogue.models import Offer, OfferCoOwner
from ..clusters.models import Cluster
from ..db import get_db
from ..pricing.services import DisplayPrice, display_prices
from ..web.htmx import render
from ..web.pagecache import public_page
from .kind import EVENT_TICKET, SPONSORSHIP, STAND
from .models import Event
from .services import days_of, offers_of, public_event
from .stock import QUOTAS

bp = Blueprint("events", __name__)
FEW_LEFT = 20  # below this many places left, the page says how many


@dataclass(frozen=True)
class OnSale:
    """An offer of the event as the page shows it: its price for the viewer, the member price, places left."""

    offer: Offer
    price: DisplayPrice
    member_cents: int | None
    left: int | None

    @property
    def few_left(self) -> bool:
        return self.left is not None and 0 < self.left <= FEW_LEFT


def _member_cents(offer: Offer) -> int | None:
    if offer.member_price_cents is not None:
        return offer.member_price_cents
    if offer.member_discount_bps:
        return offer.list_price_cents - offer.list_price_cents * offer.member_discount_bps // 10_000
    return None


def _on_sale(db, offers: list[Offer], cluster: Cluster) -> list[OnSale]:
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    prices = display_prices(db, [(o, cluster) for o in offers], organization_id)
    return [OnSale(o, prices[o.id], _member_cents(o), QUOTAS.available(db, o, {})) for o in offers]


def _organisers(db, event: Event, cluster: Cluster) -> list[Cluster]:
    """The organising cluster, then those co-organising (co-owners of its offers, sharing their revenue)."""
    offer_ids = [o.id for o in offers_of(db, event.id)]
    ids = set(db.exec(select(OfferCoOwner.cluster_id).where(col(OfferCoOwner.offer_id).in_(offer_ids))).all())
    return [cluster, *(db.get(Cluster, i) for i in sorted(ids - {cluster.id}))]


@bp.get("/events/<slug>")
@public_page
def event_page(slug: str):
    db = get_db()
    owner = db.exec(select(Event.cluster_id).where(Event.slug == slug)).first()
    event, cluster = public_event(db, slug, sees_drafts=owner is not None and can_view_cluster_console(owner))
    sold = {kind.code: _on_sale(db, offers_of(db, event.id, kind.code, published_only=True), cluster)
            for kind in (EVENT_TICKET, STAND, SPONSORSHIP)}
    return render("events/event.html", event=event, cluster=cluster, days=days_of(db, event.id),
                  tickets=sold[EVENT_TICKET.code], stands=sold[STAND.code], packages=sold[SPONSORSHIP.code],
                  organisers=_organisers(db, event, cluster), on_sale=event.status == "published")
