"""Joining online: what a membership line asks, who may still buy it, and what its payment or its end does.

A membership is bought as a line of the normal checkout. When the line is paid, the organization becomes a
member of the cluster for the year, once: the buyer's organization; else the organization already known
by the billing SIRET, used as it is (its known contacts confirm the person joining, clusters.contacts);
else a new organization made from the billing details and what was declared when joining. When the order
ends unpaid or is refunded, a membership it was paying ends too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..auth.models import User
from ..catalogue.models import Offer
from ..checkout.models import Order, OrderLine
from ..clusters.contacts import propose_contact
from ..clusters.models import Cluster, Organization
from ..core.errors import PricingError
from ..core.kinds import Buyer, load_options
from ..core.timeutil import paris_today, utcnow
from .models import Membership, MembershipTier
from .rules import FeeGrid, band_for, bands_of, membership_year
from .services import effective_status, fee_grid

JOIN_KINDS = ("company", "service_provider", "public_body", "individual")
SIZE_LIMITS = {"headcount": 10_000_000, "turnover": 10**13}


def read_join_options(args: Mapping[str, str]) -> tuple[dict, dict]:
    """Category, year, declared size and kind of a membership line, from a form or a query string."""
    options: dict = {}
    errors: dict = {}
    if args.get("category"):
        options["category"] = str(args["category"])[:20]
    for name, limit in SIZE_LIMITS.items():
        raw = "".join(str(args.get(name) or "").split())
        if raw:
            if raw.isdigit() and int(raw) <= limit:
                options[name] = int(raw)
            else:
                errors[name] = name
    if args.get("kind"):
        if args["kind"] in JOIN_KINDS:
            options["kind"] = args["kind"]
        else:
            errors["kind"] = "kind"
    if args.get("year"):
        if str(args["year"]).isdigit():
            options["year"] = int(args["year"])
        else:
            errors["year"] = "year"
    return options, errors


def organization_of(db: Session, buyer: Buyer) -> Organization | None:
    """The buyer's organization, else the one its SIRET names (if known)."""
    if buyer.organization_id is not None:
        return db.get(Organization, buyer.organization_id)
    if buyer.siret:
        return db.exec(select(Organization).where(Organization.siret == buyer.siret)).first()
    return None


def current_membership(db: Session, organization_id: int, cluster_id: int, year: int) -> Membership | None:
    return db.exec(select(Membership).where(Membership.organization_id == organization_id,
                                            Membership.cluster_id == cluster_id, Membership.year == year)).first()


def check_can_join(db: Session, offer: Offer, options: Mapping, quantity: int, buyer: Buyer) -> None:
    """A year already paid (or whose renewal already awaits payment) is not sold again; a company gives its SIRET."""
    year = membership_year(options, utcnow())
    organization = organization_of(db, buyer)
    if organization is None:
        if buyer.at_checkout and buyer.siret is None and options.get("kind", "company") != "individual":
            raise PricingError("siret_required", "Indiquez le SIRET de l'organisation qui adhère.",
                               "Give the SIRET of the organization joining.", "billing_siret")
        return
    membership = current_membership(db, organization.id, offer.cluster_id, year)
    if membership is None:
        return
    status = effective_status(membership, paris_today())
    if status == "active" and membership.status == "active":
        raise PricingError("already_member", f"Adhérent jusqu'au 31/12/{year} : cette adhésion est déjà réglée. "
                           f"Vous pouvez renouveler pour {year + 1}.",
                           f"Member until 31/12/{year}: this membership is already paid. "
                           f"You may renew for {year + 1}.", "year")
    if membership.status == "pending" and membership.order_id is not None:
        order = db.get(Order, membership.order_id)
        if order is not None and order.status in ("pending_payment", "awaiting_approval"):
            raise PricingError("already_member", f"La cotisation {year} vous attend déjà : réglez la commande "
                               f"{order.number}.", f"Your {year} fee already awaits payment: pay order "
                               f"{order.number}.", "year")
    if membership.status == "excluded":
        raise PricingError("already_member", f"Cette organisation ne peut pas adhérer pour {year} : "
                           "contactez le cluster.", f"This organization cannot join for {year}: contact the "
                           "cluster.", "year")


def record_paid_membership(db: Session, order: Order, line: OrderLine) -> Membership | None:
    """The paid line makes its organization a member of the cluster for the year, once (idempotent)."""
    options = load_options(line.options_json)
    year = int(options.get("year") or order.created_at.year)
    paying = db.exec(select(Membership).where(Membership.order_id == order.id,
                                              Membership.cluster_id == line.cluster_id)).first()
    if paying is not None:
        return _activate(db, paying, order)
    organization = _member_organization(db, order, options, line.cluster_id)
    membership = current_membership(db, organization.id, line.cluster_id, year)
    if membership is not None and membership.status == "active":
        return membership  # paid twice: the second payment is for staff to refund, the membership stays one
    tier = _tier_paid(db, line, organization, options)
    if membership is None:
        membership = Membership(organization_id=organization.id, cluster_id=line.cluster_id, tier_id=tier.id,
                                year=year, fee_cents=line.excl_cents)
    membership.tier_id, membership.fee_cents, membership.order_id = tier.id, line.excl_cents, order.id
    return _activate(db, membership, order)


def _activate(db: Session, membership: Membership, order: Order) -> Membership:
    if membership.status != "active":
        membership.status = "active"
        membership.paid_at = order.paid_at or utcnow()
        db.add(membership)
        db.flush()
    return membership


def _member_organization(db: Session, order: Order, options: Mapping, cluster_id: int) -> Organization:
    """Who becomes a member: the buyer's organization, the one its SIRET names (as it is), or a new one."""
    if order.organization_id is not None:
        return db.get(Organization, order.organization_id)
    user = db.get(User, order.user_id) if order.user_id is not None else None
    known = organization_of(db, Buyer(None, order.billing_siret))
    cluster = db.get(Cluster, cluster_id)
    if known is not None:
        if user is None or user.organization_id is None:
            propose_contact(db, cluster, known, user.email if user else order.billing_email, organization_is_new=False)
        return known
    organization = Organization(
        name=order.billing_name, kind=options.get("kind", "company"), siret=order.billing_siret,
        vat_number=order.billing_vat_number, headcount=options.get("headcount") or 0,
        turnover_euros=options.get("turnover"), email=order.billing_email, address=order.billing_address,
        postal_code=order.billing_postal_code, city=order.billing_city)
    db.add(organization)
    db.flush()
    order.organization_id = organization.id
    db.add(order)
    if user is not None and user.organization_id is None:
        user.organization_id = organization.id  # the account that joined for a new organization acts for it
        db.add(user)
    elif user is None:
        propose_contact(db, cluster, organization, order.billing_email, organization_is_new=True)
    db.flush()
    return organization


def _tier_paid(db: Session, line: OrderLine, organization: Organization, options: Mapping) -> MembershipTier:
    """The tier of the band the fee came from (the same band the quote found, or the category's tier of that fee)."""
    tiers = fee_grid(db, line.cluster_id)
    category = str(options.get("category", "classic"))
    buyer = FeeBuyer(organization)
    try:
        code = band_for(bands_of(tiers), category, buyer, options).tier_code
        return next(t for t in tiers if t.code == code)
    except (PricingError, StopIteration):
        same = [t for t in tiers if t.category == category] or tiers
        return next((t for t in same if t.fee_cents == line.unit_list_cents), same[0])


class FeeBuyer:
    """An organization as the fee rules read a buyer."""

    def __init__(self, organization: Organization):
        self.organization_id = organization.id
        self.kind = organization.kind
        self.headcount = organization.headcount
        self.turnover_euros = organization.turnover_euros


def end_unpaid_membership(db: Session, order: Order, line: OrderLine) -> None:
    """The order paying a membership ended: a renewal left unpaid lapses, a refunded membership ends."""
    for membership in db.exec(select(Membership).where(Membership.order_id == order.id,
                                                       Membership.cluster_id == line.cluster_id)).all():
        if membership.status == "pending":
            membership.status = "lapsed"
        elif membership.status == "active" and order.status in ("refunded", "cancelled"):
            membership.status = "expired"
        db.add(membership)
    db.flush()


def grid_of(db: Session, cluster_id: int, lang: str = "fr") -> FeeGrid:
    return bands_of(fee_grid(db, cluster_id), lang)


def valid_until(year: int) -> date:
    return date(year, 12, 31)


@dataclass(frozen=True)
class JoinCategory:
    """A category of the grid as the join page shows it: in words, its fees, what it includes."""

    code: str
    basis: str | None  # what its fee depends on (None: one fee for all)
    low_cents: int
    high_cents: int
    descriptions: tuple[str, ...]
    included: tuple[Offer, ...]  # services its tiers include (shown with their real value)


def join_categories(db: Session, cluster_id: int, lang: str = "fr") -> list[JoinCategory]:
    """The grid's categories in its order, each with its fee range, descriptions and included services."""
    tiers = fee_grid(db, cluster_id)
    grid = bands_of(tiers, lang)
    offers = db.exec(select(Offer).where(Offer.cluster_id == cluster_id, Offer.is_published,
                                         Offer.included_in_tiers != "")).all()
    result = []
    for code in dict.fromkeys(t.category for t in tiers):
        own = [t for t in tiers if t.category == code]
        codes = {t.code for t in own}
        texts = tuple(dict.fromkeys(text for t in own if (text := (t.description_en if lang == "en" and
                                                                    t.description_en else t.description_fr))))
        included = tuple(o for o in offers if codes & set(o.included_in_tiers.split(",")))
        result.append(JoinCategory(code, grid.basis_of(code), min(t.fee_cents for t in own),
                                   max(t.fee_cents for t in own), texts, included))
    return result


@dataclass(frozen=True)
class MemberStanding:
    """Where an organization stands with a cluster: this year's and next year's memberships, and what is due."""

    this_year: Membership | None
    next_year: Membership | None
    due: Order | None  # a fee awaiting payment (a renewal raised by the cluster)

    def active(self, membership: Membership | None) -> bool:
        return membership is not None and membership.status == "active"


def standing_of(db: Session, organization_id: int | None, cluster_id: int, year: int) -> MemberStanding:
    if organization_id is None:
        return MemberStanding(None, None, None)
    this_year = current_membership(db, organization_id, cluster_id, year)
    next_year = current_membership(db, organization_id, cluster_id, year + 1)
    due = None
    for membership in (this_year, next_year):
        if membership is not None and membership.status == "pending" and membership.order_id is not None:
            order = db.get(Order, membership.order_id)
            if order is not None and order.status in ("pending_payment", "awaiting_approval"):
                due = order
    return MemberStanding(this_year, next_year, due)
