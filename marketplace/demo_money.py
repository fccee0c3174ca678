"""The demo's money between clusters: last month's sales (one of a co-produced trade show), the pooled
veille and shared accountant, and last month closed, so statements, payouts and FEC files have content."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from .auth.models import User
from .catalogue.models import Offer
from .catalogue.services import viewer_for
from .checkout.models import Order
from .checkout.services import Billing, add_to_cart, ensure_cart, place_order
from .clusters.models import Cluster, Organization
from .ledger.rules import month_of, period_bounds
from .ledger.services import calendar
from .payments.services import record_manual_payment
from .pools.models import PooledCost, PoolUsage
from .pools.services import set_participant
from .settlements.services import close_period, first_open_period

# name, kind, provider cluster or outside supplier, monthly cost (cents), key, participants, usage (hundredths)
POOLS = [
    ("Veille composites et matériaux", "strategic_purchase", "Cabinet Veille & Marchés", 100_000, "equal",
     ["emc2", "neopolia", "atlanpack"], {}),
    ("Comptable partagé (mi-temps)", "shared_function", "mecabourg", 385_000, "usage",
     ["mecabourg", "eco-energies", "soliage", "plab"],
     {"mecabourg": [(3, 1250), (17, 1900)], "eco-energies": [(8, 2400)], "soliage": [(10, 1175), (24, 600)],
      "plab": [(15, 1800)]}),
    ("Graphiste partagée", "shared_function", "silicon-sentier", 240_000, "members",
     ["silicon-sentier", "cosmetic-valley", "plab"], {}),
]
LATE_JOINER = ("Graphiste partagée", "cosmetic-valley", 16)  # joins on the 16th of last month: prorated

# buyer email, [(cluster slug, offer slug, quantity)], day of last month
SALES = [
    ("commercial@flacons-cie.fr", [("atlanpack", "vs-pack-stand-9m2", 1)], 6),
    ("innovation@composites-atlantique.fr", [("atlanpack", "vs-pack-stand-9m2", 1),
                                             ("atlanpack", "vs-pack-visiteur", 4)], 13),
    ("contact@usinage-bressan.fr", [("emc2", "formation-lean", 1)], 20),
]


def _last_month(today: date) -> str:
    first = today.replace(day=1)
    return month_of(date.fromordinal(first.toordinal() - 1))


def _pools(db: Session, clusters: dict[str, Cluster], period: str) -> None:
    first, _last = period_bounds(period)
    start = date(first.year, 1, 1) if first.month > 1 else first
    for name, kind, provider, cost, key, members, usage in POOLS:
        if db.exec(select(PooledCost).where(PooledCost.name == name)).first():
            continue
        pool = PooledCost(name=name, kind=kind, monthly_cost_cents=cost, sharing_key=key, starts_on=start,
                          provider_cluster_id=clusters[provider].id if provider in clusters else None,
                          supplier_name=None if provider in clusters else provider)
        db.add(pool)
        db.flush()
        for slug in members:
            joined = first.replace(day=LATE_JOINER[2]) if (name, slug) == LATE_JOINER[:2] else start
            set_participant(db, pool, clusters[slug].id, joined, None, None)
        for slug, entries in usage.items():
            for day, quantity in entries:
                db.add(PoolUsage(pooled_cost_id=pool.id, cluster_id=clusters[slug].id, day=first.replace(day=day),
                                 quantity_centi=quantity, note="Saisie de démonstration"))
    db.flush()


def _sales(db: Session, clusters: dict[str, Cluster], period: str, admin_id: int, hold_minutes: int) -> None:
    first, _last = period_bounds(period)
    for email, items, day in SALES:
        user = db.exec(select(User).where(User.email == email)).one()
        organization = db.get(Organization, user.organization_id)
        on = first.replace(day=day)
        key = f"demo-{period}-{email}"
        now = datetime.combine(on, time(10), tzinfo=UTC)
        viewer = viewer_for(db, organization.id, on.year)
        cart = ensure_cart(db, None, user.id)
        if db.exec(select(Order).where(Order.idempotency_key == key)).first() is None:
            for slug, offer_slug, quantity in items:
                offer = db.exec(select(Offer).where(Offer.cluster_id == clusters[slug].id,
                                                    Offer.slug == offer_slug)).one()
                add_to_cart(db, cart, offer.id, quantity, {}, viewer)
        billing = Billing(name=organization.name, email=email, siret=organization.siret,
                          vat_number=organization.vat_number, city=organization.city)
        order, _created = place_order(db, cart, viewer, user.id, billing, key, hold_minutes, now=now)
        if order.status == "pending_payment":
            record_manual_payment(db, order, order.total_incl_cents, on, admin_id, "Virement de démonstration")


def load_demo_money(db: Session, clusters: dict[str, Cluster], admin_id: int, today: date,
                    hold_minutes: int) -> str:
    """Last month's activity, closed once (a later run leaves a closed month as it is); returns that month."""
    period = _last_month(today)
    closed = calendar(db).closed_through
    if closed is not None and closed >= period:
        return period
    _pools(db, clusters, period)
    _sales(db, clusters, period, admin_id, hold_minutes)
    while (next_period := first_open_period(db)) is not None and next_period <= period:
        close_period(db, next_period, today)  # earlier months with postings first: months close in order
    return period
