"""The demo's money between clusters: last month's sales (one of a co-produced trade show), the pooled
veille and shared accountant, and last month closed, so statements, payouts and FEC files have content."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from .agreements.models import SuccessFeeAgreement, SupplierAgreement
from .agreements.services import close_rebate_year, declare_outcome, record_purchase, redistribute_rebate
from .auth.models import User
from .catalogue.models import Offer
from .catalogue.search import viewer_for
from .checkout.cart import add_to_cart, ensure_cart
from .checkout.models import Order
from .checkout.orders import Billing, place_order
from .clusters.models import Cluster, Organization
from .ledger.rules import month_before, period_bounds
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


# cluster, supplier, rebate bps, purchases of the year before: (member email, cents)
SUPPLIER_AGREEMENT = ("mecabourg", "Énergies de l'Ain", 250,
                      [("contact@usinage-bressan.fr", 18_450_000), ("direction@decolletage-ain.fr", 4_120_033)])
# cluster, offer slug, member email, rate bps, cap (cents), outcome, declared (cents), day of last month
SUCCESS_FEE = ("neopolia", "accompagnement-appels-offres", "achats@chantiers-estuaire.fr", 100, 1_000_000,
               "Marché de maintenance des navires de l'État remporté", 48_000_000, 24)


def _pools(db: Session, clusters: dict[str, Cluster], period: str) -> None:
    first, _last = period_bounds(period)
    start = first  # the pooled costs start last month: that month is the demo's first allocation
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


def _agreements(db: Session, clusters: dict[str, Cluster], period: str, admin_id: int) -> None:
    """Last year's purchasing agreement, its rebate posted in January and redistributed; a success fee
    declared last month and paid."""
    first, _last = period_bounds(period)
    slug, supplier, bps, purchases = SUPPLIER_AGREEMENT
    cluster = clusters[slug]
    agreement = db.exec(select(SupplierAgreement).where(SupplierAgreement.cluster_id == cluster.id,
                                                        SupplierAgreement.supplier_name == supplier)).first()
    if agreement is None:
        agreement = SupplierAgreement(cluster_id=cluster.id, supplier_name=supplier, year=first.year - 1,
                                      rebate_bps=bps, description="Électricité et gaz des sites industriels")
        db.add(agreement)
        db.flush()
        for month, (email, cents) in enumerate(purchases, start=3):
            organization_id = db.exec(select(User.organization_id).where(User.email == email)).one()
            record_purchase(db, agreement, organization_id, date(first.year - 1, month, 15), cents, "", admin_id)
        close_rebate_year(db, agreement, date(first.year, 1, 20))
        redistribute_rebate(db, agreement, date(first.year, 1, 20))
    slug, offer_slug, email, rate, cap, outcome, declared, day = SUCCESS_FEE
    cluster = clusters[slug]
    organization_id = db.exec(select(User.organization_id).where(User.email == email)).one()
    offer = db.exec(select(Offer).where(Offer.cluster_id == cluster.id, Offer.slug == offer_slug)).one()
    terms = db.exec(select(SuccessFeeAgreement).where(SuccessFeeAgreement.offer_id == offer.id,
                                                      SuccessFeeAgreement.organization_id == organization_id)).first()
    if terms is None:
        terms = SuccessFeeAgreement(cluster_id=cluster.id, offer_id=offer.id, organization_id=organization_id,
                                    rate_bps=rate, cap_cents=cap, description="1 % du marché remporté, plafonné")
        db.add(terms)
        db.flush()
    on = first.replace(day=day)
    declaration, _created = declare_outcome(db, terms, outcome, declared, admin_id, f"demo-{period}",
                                  datetime.combine(on, time(9), tzinfo=UTC))
    order = db.get(Order, declaration.order_id)
    if order.status == "pending_payment":
        record_manual_payment(db, order, order.total_incl_cents, on.replace(day=day + 3), admin_id,
                              "Virement de démonstration")


def load_demo_money(db: Session, clusters: dict[str, Cluster], admin_id: int, today: date,
                    hold_minutes: int) -> str:
    """Last month's activity, closed once (a later run leaves a closed month as it is); returns that month."""
    period = month_before(today)
    closed = calendar(db).closed_through
    if closed is not None and closed >= period:
        return period
    _pools(db, clusters, period)
    _sales(db, clusters, period, admin_id, hold_minutes)
    _agreements(db, clusters, period, admin_id)
    while (next_period := first_open_period(db)) is not None and next_period <= period:
        close_period(db, next_period, today)  # earlier months with postings first: months close in order
    return period
