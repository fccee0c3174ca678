"""Renewals: each year a cluster calls its members' next fee, optionally indexed, and is firm with late payers.

A renewal run (once per cluster and year) raises one order per member, billed to its organization and
paid by transfer like any order, and a pending membership for the year. The renewal counts as active
until its grace period ends, so a member keeps member prices while paying; the worker sends reminders at
the configured delays (once each) and, when the grace period is over, the unpaid order expires and the
membership lapses: member prices stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ..checkout.models import Order
from ..checkout.orders import DirectLine, order_for_organization, order_link
from ..clusters.models import Cluster, Organization
from ..core.errors import Conflict, PricingError
from ..core.kinds import dump_options
from ..core.money import format_eur_fr
from ..mail.services import queue_email
from .joining import FeeBuyer
from .models import Membership, MembershipTier, RenewalRun
from .rules import OUT_OF_SCOPE, band_for, bands_of
from .services import fee_grid, membership_offer

PARIS = ZoneInfo("Europe/Paris")
PAST_MEMBER = ("active", "expired")  # how a membership of last year shows its organization was a member


def indexed(fee_cents: int, index_bps: int) -> int:
    """A fee raised (or lowered) by `index_bps`, rounded to the euro (half up)."""
    raised = Decimal(fee_cents) * (10_000 + index_bps) / 10_000 / 100
    return int(raised.quantize(Decimal("1"), rounding=ROUND_HALF_UP)) * 100


@dataclass(frozen=True)
class RenewalLine:
    """A member of last year and what renewing it for the year would raise (or why it is left out)."""

    last: Membership
    last_tier: MembershipTier
    organization: Organization
    tier: MembershipTier | None
    fee_cents: int
    problem: str | None = None


def renewal_preview(db: Session, cluster: Cluster, year: int, index_bps: int) -> list[RenewalLine]:
    """Every member of the year before with next year's fee from the grid (indexed); those already renewed,
    excluded or without a fitting band are listed with the reason they are left out."""
    tiers = fee_grid(db, cluster.id)
    grid = bands_of(tiers)
    taken = set(db.exec(select(Membership.organization_id).where(Membership.cluster_id == cluster.id,
                                                                 Membership.year == year)).all())
    rows = db.exec(select(Membership, Organization, MembershipTier)
                   .join(Organization, Organization.id == Membership.organization_id)
                   .join(MembershipTier, MembershipTier.id == Membership.tier_id)
                   .where(Membership.cluster_id == cluster.id, Membership.year == year - 1,
                          col(Membership.status).in_(PAST_MEMBER))
                   .order_by(Organization.name)).all()
    lines = []
    for last, organization, tier in rows:
        if organization.id in taken:
            lines.append(RenewalLine(last, tier, organization, None, 0, _("déjà inscrit pour %(y)d", y=year)))
            continue
        category = "classic" if tier.category == "discovery" else tier.category  # discovery lasts one year
        try:
            code = band_for(grid, category, FeeBuyer(organization), {}).tier_code
        except PricingError as exc:  # its size is not known (or fits no band): last year's tier, if still there
            code = tier.code if category == tier.category else None
            if not any(t.code == code for t in tiers):
                lines.append(RenewalLine(last, tier, organization, None, 0, exc.message))
                continue
        next_tier = next(t for t in tiers if t.code == code)
        lines.append(RenewalLine(last, tier, organization, next_tier, indexed(next_tier.fee_cents, index_bps)))
    return lines


def grace_end(year: int, today: date, grace_days: int) -> date:
    """Until when an unpaid renewal still counts: `grace_days` after the year starts (or after today, if later)."""
    return max(date(year, 1, 1), today) + timedelta(days=grace_days)


def run_renewals(db: Session, cluster: Cluster, year: int, index_bps: int, user_id: int | None, now: datetime,
                 grace_days: int, config) -> RenewalRun:
    """Raise one renewal order per member, with its payment instructions by email; a second run raises nothing."""
    if db.exec(select(RenewalRun).where(RenewalRun.cluster_id == cluster.id, RenewalRun.year == year)).first():
        raise Conflict(_("Les renouvellements %(y)d de %(cluster)s ont déjà été lancés.", y=year,
                         cluster=cluster.name))
    run = RenewalRun(cluster_id=cluster.id, year=year, index_bps=index_bps, created_by=user_id, created_at=now)
    try:
        with db.begin_nested():
            db.add(run)
            db.flush()
    except IntegrityError as exc:  # the same run confirmed twice at once
        raise Conflict(_("Les renouvellements %(y)d de %(cluster)s ont déjà été lancés.", y=year,
                         cluster=cluster.name)) from exc
    offer = membership_offer(db, cluster)
    until = grace_end(year, now.astimezone(PARIS).date(), grace_days)
    hold = datetime.combine(until + timedelta(days=1), time(0), PARIS)
    for line in renewal_preview(db, cluster, year, index_bps):
        if line.problem is None:
            _renew(db, cluster, offer, line, year, until, hold, now, config)
            run.renewals += 1
    db.add(run)
    db.flush()
    return run


def _renew(db: Session, cluster: Cluster, offer, line: RenewalLine, year: int, until: date, hold: datetime,
           now: datetime, config) -> Membership:
    tier = line.tier
    description = f"{offer.title_fr} {year} — {tier.name_fr}"
    order = order_for_organization(
        db, line.organization, DirectLine(offer, description, line.fee_cents, tier.vat_rate_bps,
                                          OUT_OF_SCOPE, dump_options({"category": tier.category, "year": year})),
        key=f"renewal:{cluster.id}:{year}:{line.organization.id}", now=now, hold_until=hold)
    membership = Membership(organization_id=line.organization.id, cluster_id=cluster.id, tier_id=tier.id, year=year,
                            status="pending", fee_cents=line.fee_cents, order_id=order.id,
                            renewal_of_id=line.last.id, grace_until=until, created_at=now)
    db.add(membership)
    db.flush()
    _tell(db, order, cluster, year, until, config, key=f"renewal:{membership.id}",
          subject=_("Renouvellement de votre adhésion %(cluster)s %(y)d", cluster=cluster.name, y=year),
          opening=_("Votre adhésion à %(cluster)s arrive à son terme : voici votre cotisation %(y)d.",
                    cluster=cluster.name, y=year))
    return membership


def _tell(db: Session, order: Order, cluster: Cluster, year: int, until: date, config, *, key: str, subject: str,
          opening: str) -> None:
    """The renewal call or a reminder: the amount, how to pay it by transfer, until when member prices last."""
    if not order.billing_email:
        return  # no address: the late payers' list shows it to staff
    link = order_link(order)
    body = _("Bonjour,\n\n%(opening)s\n\nMontant : %(amount)s\nPar virement :\n  Bénéficiaire : %(holder)s\n"
             "  IBAN : %(iban)s\n  BIC : %(bic)s\n  Référence (obligatoire) : %(reference)s\n\n"
             "Vos tarifs adhérents restent acquis jusqu'au %(until)s ; sans paiement à cette date, l'adhésion "
             "%(y)d prend fin.\nPayer par carte ou voir la commande : %(link)s\n",
             opening=opening, amount=format_eur_fr(order.total_incl_cents), holder=config["FEDERATION_NAME"],
             iban=config["FEDERATION_IBAN"], bic=config["FEDERATION_BIC"], reference=order.payment_reference,
             until=until.strftime("%d/%m/%Y"), y=year, link=link)
    queue_email(db, order.billing_email, subject, body, key=key)


def send_reminders(db: Session, today: date, delays: tuple[int, ...], config) -> int:
    """Remind unpaid renewals `delays` days after they were called, once each; returns how many were reminded."""
    rows = db.exec(select(Membership, Order, Cluster)
                   .join(Order, Order.id == Membership.order_id)
                   .join(Cluster, Cluster.id == Membership.cluster_id)
                   .where(Membership.status == "pending", col(Membership.renewal_of_id).is_not(None),
                          Order.status == "pending_payment", Membership.reminders_sent < len(delays))
                   .order_by(Membership.id).with_for_update(skip_locked=True, of=Membership)).all()
    reminded = 0
    for membership, order, cluster in rows:
        due = sum(1 for days in delays if order.created_at.astimezone(PARIS).date() + timedelta(days=days) <= today)
        if due <= membership.reminders_sent:
            continue
        membership.reminders_sent = due  # a worker down for a while sends the latest reminder only
        db.add(membership)
        _tell(db, order, cluster, membership.year, membership.grace_until, config,
              key=f"renewal-reminder:{membership.id}:{due}",
              subject=_("Relance : votre cotisation %(cluster)s %(y)d reste à régler", cluster=cluster.name,
                        y=membership.year),
              opening=_("Sauf erreur de notre part, votre cotisation %(y)d à %(cluster)s n'est pas encore réglée "
                        "(relance n° %(n)d).", y=membership.year, cluster=cluster.name, n=due))
        reminded += 1
    db.flush()
    return reminded


@dataclass(frozen=True)
class LatePayer:
    membership: Membership
    organization: Organization
    order: Order | None


def late_payers(db: Session, cluster_id: int, today: date) -> list[LatePayer]:
    """Renewals still unpaid (with what they owe and the reminders sent) and those that lapsed, oldest first."""
    rows = db.exec(select(Membership, Organization, Order)
                   .join(Organization, Organization.id == Membership.organization_id)
                   .outerjoin(Order, Order.id == Membership.order_id)
                   .where(Membership.cluster_id == cluster_id, col(Membership.renewal_of_id).is_not(None),
                          col(Membership.status).in_(("pending", "lapsed")), Membership.year >= today.year - 1)
                   .order_by(Membership.year, Membership.created_at, Organization.name)).all()
    return [LatePayer(m, o, order) for m, o, order in rows]
