"""Use cases of memberships: fee grids, enrolling members, membership statuses, who is a member where."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..clusters.contacts import propose_contact
from ..clusters.models import Cluster, Organization
from ..clusters.services import OrganizationDetails, update_organization
from ..core.errors import Conflict, Invalid
from ..core.members import MembershipFact, OrganizationFacts
from ..core.states import MEMBERSHIP_TRANSITIONS, check_transition
from ..core.timeutil import paris_today
from ..web.tables import TableState
from .models import Membership, MembershipTier
from .rules import MEMBERSHIP_STATUSES, OUT_OF_SCOPE, bands_of

MEMBERSHIP_KIND = "membership"  # the code the membership kind registers (kind.py)


@dataclass(frozen=True)
class ClusterSummary:
    cluster: Cluster
    active_members: int


def list_clusters_with_counts(db: Session, year: int | None = None) -> list[ClusterSummary]:
    """All clusters by name with their number of active members (one query)."""
    member_count = (
        select(Membership.cluster_id, func.count(Membership.id).label("n"))
        .where(Membership.status == "active")
        .group_by(Membership.cluster_id)
    )
    if year is not None:
        member_count = member_count.where(Membership.year == year)
    counts = member_count.subquery()
    rows = db.exec(
        select(Cluster, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cluster_id == Cluster.id)
        .order_by(Cluster.name)
    ).all()
    return [ClusterSummary(cluster, count) for cluster, count in rows]


def fee_grid(db: Session, cluster_id: int) -> list[MembershipTier]:
    return list(db.exec(
        select(MembershipTier).where(MembershipTier.cluster_id == cluster_id)
        .order_by(MembershipTier.position, MembershipTier.min_headcount, MembershipTier.id)
    ).all())


def check_tier_allowed(db: Session, tier: MembershipTier, organization: Organization, year: int) -> None:
    """Discovery lasts `max_years` at most; the partner tier is for service providers."""
    if tier.max_years is not None:
        used = db.exec(
            select(func.count(Membership.id))
            .join(MembershipTier, MembershipTier.id == Membership.tier_id)
            .where(Membership.organization_id == organization.id, Membership.cluster_id == tier.cluster_id,
                   MembershipTier.category == tier.category, Membership.year != year)
        ).one()
        if used >= tier.max_years:
            raise Invalid(ngettext("La formule « %(tier)s » est limitée à %(num)d an : cette organisation l'a déjà eue.",
                                   "La formule « %(tier)s » est limitée à %(num)d ans : cette organisation l'a déjà "
                                   "eue.", tier.max_years, tier=tier.name_fr), field="tier_id")
    if tier.category == "partner" and organization.kind != "service_provider":
        raise Invalid(_("La formule partenaire est réservée aux prestataires de services."), field="tier_id")
    if tier.category == "individual" and organization.kind != "individual":
        raise Invalid(_("La formule individuelle est réservée aux personnes physiques."), field="tier_id")
    band = bands_of([tier]).bands[0]
    if tier.category in ("partner", "discovery") or band.flat:
        return
    if tier.basis == "turnover":
        if organization.turnover_euros is None or not band.covers(organization.turnover_euros):
            raise Invalid(_("Le chiffre d'affaires de l'organisation ne correspond pas à la tranche de cette "
                            "formule (renseignez-le sur sa fiche)."), field="tier_id")
    elif not band.covers(organization.headcount):
        raise Invalid(_("L'effectif de l'organisation (%(n)d) ne correspond pas à la tranche de cette formule.",
                        n=organization.headcount), field="tier_id")


def add_membership(db: Session, cluster: Cluster, organization: Organization, tier: MembershipTier,
                   year: int, status: str = "pending") -> Membership:
    """One membership per organization, cluster and year; the fee is frozen from the tier."""
    if tier.cluster_id != cluster.id:
        raise Invalid(_("Cette formule n'appartient pas à ce cluster."), field="tier_id")
    check_tier_allowed(db, tier, organization, year)
    exists = db.exec(select(Membership).where(Membership.organization_id == organization.id,
                                              Membership.cluster_id == cluster.id,
                                              Membership.year == year)).first()
    if exists:
        raise Conflict(_("%(org)s est déjà adhérent de %(cluster)s pour %(year)d.",
                         org=organization.name, cluster=cluster.name, year=year))
    membership = Membership(organization_id=organization.id, cluster_id=cluster.id, tier_id=tier.id,
                            year=year, status=status, fee_cents=tier.fee_cents)
    db.add(membership)
    db.flush()
    return membership


@dataclass(frozen=True)
class Enrolment:
    """A membership staff record: the organization (as given), the tier, the year, the status, a contact."""

    organization: OrganizationDetails
    tier_id: int
    year: int
    status: str
    contact_email: str | None = None


@dataclass(frozen=True)
class MemberRegistration:
    membership: Membership
    organization_was_known: bool
    details_kept: bool  # the organization existed with other details, which were left as they are
    contact: str | None  # what happened to the contact (clusters.contacts), None when none was named


def register_member(db: Session, cluster: Cluster, enrolment: Enrolment) -> MemberRegistration:
    """Staff enrol an organization: a new one as given, or one already known by its SIRET as it is.

    An organization that exists is never changed from here, and who acts for it is decided by
    confirmation (clusters.contacts), never by the staff member's say-so.
    """
    given = enrolment.organization
    organization = None
    if given.siret:
        organization = db.exec(select(Organization).where(Organization.siret == given.siret)).first()
    known = organization is not None
    details_kept = known and any(value != getattr(organization, name) for name, value in asdict(given).items())
    if organization is None:
        organization = update_organization(db, Organization(), given)
    tier = db.get(MembershipTier, enrolment.tier_id)
    if tier is None:
        raise Invalid(_("Formule inconnue."), field="tier_id")
    membership = add_membership(db, cluster, organization, tier, enrolment.year, enrolment.status)
    contact = None
    if enrolment.contact_email:
        contact = propose_contact(db, cluster, organization, enrolment.contact_email, organization_is_new=not known)
    return MemberRegistration(membership, known, details_kept, contact)


def change_membership_status(db: Session, membership: Membership, status: str) -> Membership:
    check_transition(MEMBERSHIP_TRANSITIONS, membership.status, status)
    membership.status = status
    db.add(membership)
    return membership


def members_of(db: Session, cluster_id: int, year: int | None = None):
    """(membership, organization, tier) rows of a cluster, newest year first."""
    query = (
        select(Membership, Organization, MembershipTier)
        .join(Organization, Organization.id == Membership.organization_id)
        .join(MembershipTier, MembershipTier.id == Membership.tier_id)
        .where(Membership.cluster_id == cluster_id)
        .order_by(col(Membership.year).desc(), Organization.name)
    )
    if year is not None:
        query = query.where(Membership.year == year)
    return db.exec(query).all()


MEMBER_SORTS = {
    "recent": lambda row: (-row[0].year, row[1].name.lower()),
    "name": lambda row: (row[1].name.lower(), -row[0].year),
    "fee": lambda row: (-row[0].fee_cents, row[1].name.lower()),
}


def member_table(args) -> TableState:
    """The members table's state from the URL: words (name, SIRET), a status, an order, a page."""
    return TableState.from_args(args, MEMBERSHIP_STATUSES, MEMBER_SORTS, "recent")


def matching_members(rows, table: TableState) -> list:
    """The rows a console table asks for: words in the name or SIRET, a status, in its order."""
    words = table.q.lower()
    kept = [row for row in rows if (not words or words in row[1].name.lower() or words in (row[1].siret or ""))
            and (not table.status or row[0].status == table.status)]
    return sorted(kept, key=MEMBER_SORTS[table.sort])


def memberships_of(db: Session, organization_id: int):
    """(membership, cluster, tier) rows of an organization, newest year first."""
    return db.exec(
        select(Membership, Cluster, MembershipTier)
        .join(Cluster, Cluster.id == Membership.cluster_id)
        .join(MembershipTier, MembershipTier.id == Membership.tier_id)
        .where(Membership.organization_id == organization_id)
        .order_by(col(Membership.year).desc(), Cluster.name)
    ).all()


@dataclass(frozen=True)
class TierInput:
    """A row of a fee grid: its code, category, names, band (of headcount or turnover), yearly fee, longest
    duration, VAT (a fee buying a specific service is taxable) and what it includes."""

    code: str
    category: str
    name_fr: str
    name_en: str
    min_headcount: int
    max_headcount: int | None
    fee_cents: int
    max_years: int | None
    basis: str = "headcount"
    min_turnover_euros: int = 0
    max_turnover_euros: int | None = None
    vat_rate_bps: int | None = None  # None: outside VAT (no individual counterpart)
    description_fr: str = ""
    description_en: str = ""


def add_tier(db: Session, cluster: Cluster, tier: TierInput) -> MembershipTier:
    """Add a row at the end of the cluster's fee grid; its code is unique in the grid."""
    if db.exec(select(MembershipTier).where(MembershipTier.cluster_id == cluster.id,
                                            MembershipTier.code == tier.code)).first():
        raise Conflict(_("Une formule porte déjà ce code."), field="code")
    grid = fee_grid(db, cluster.id)
    row = MembershipTier(cluster_id=cluster.id, position=len(grid), **asdict(tier))
    try:
        bands_of([*grid, row])
    except ValueError as exc:  # bands of a category never overlap nor mix headcount and turnover
        raise Invalid(_("Cette tranche chevauche une autre tranche de la même catégorie, ou mélange effectif et "
                        "chiffre d'affaires : ajustez ses bornes."), field="min_headcount") from exc
    db.add(row)
    db.flush()
    membership_offer(db, cluster)  # members join online from the grid's first row on
    return row


def membership_offer(db: Session, cluster: Cluster) -> Offer:
    """The cluster's membership offer (one per cluster: the year is an option), created the first time."""
    offer = db.exec(select(Offer).where(Offer.cluster_id == cluster.id, Offer.kind == MEMBERSHIP_KIND)
                    .order_by(Offer.id)).first()
    if offer is None:
        tiers = fee_grid(db, cluster.id)
        offer = Offer(cluster_id=cluster.id, slug="adhesion", kind=MEMBERSHIP_KIND, title_fr=f"Adhésion {cluster.name}",
                      title_en=f"{cluster.name} membership", summary_fr="Cotisation annuelle selon la grille du "
                      "cluster.", summary_en="Yearly membership fee from the cluster's grid.",
                      list_price_cents=min((t.fee_cents for t in tiers), default=0), vat_rate_bps=None,
                      vat_exempt_mention=OUT_OF_SCOPE)
        db.add(offer)
        db.flush()
    return offer


_ORGANIZATION_MEMBERSHIPS = (  # built once: a member's every page runs it
    select(Organization.kind, Organization.headcount, Organization.turnover_euros, Membership.cluster_id, Cluster.name,
           Membership.year, MembershipTier.code, MembershipTier.category, Membership.status, Membership.grace_until,
           MembershipTier.name_fr)
    .select_from(Organization)
    .outerjoin(Membership, Membership.organization_id == Organization.id)
    .outerjoin(Cluster, Cluster.id == Membership.cluster_id)
    .outerjoin(MembershipTier, MembershipTier.id == Membership.tier_id)
    .where(Organization.id == bindparam("organization_id")))


class Directory:
    """Who is a member of which cluster, for the layers below (core.members): a renewal in its grace period
    counts as active, so a member keeps member prices while paying its renewal."""

    def memberships_of(self, db: Session, organization_id: int) -> list[MembershipFact]:
        found = self.organization_with_memberships(db, organization_id)
        return found[1] if found else []

    def organization_with_memberships(self, db: Session, organization_id: int
                                      ) -> tuple[OrganizationFacts, list[MembershipFact]] | None:
        """One statement (a member's every page reads it): plain columns, the organization outer-joined to its
        memberships."""
        today = paris_today()
        rows = db.exec(_ORGANIZATION_MEMBERSHIPS, params={"organization_id": organization_id}).all()
        if not rows:
            return None
        facts = [MembershipFact(cluster_id, name, year, code, category, _effective(status, grace_until, today),
                                tier_name)
                 for _k, _h, _t, cluster_id, name, year, code, category, status, grace_until, tier_name in rows
                 if cluster_id is not None]
        return OrganizationFacts(*rows[0][:3]), facts

    def tier_codes(self, db: Session, cluster_id: int) -> list[str]:
        return [tier.code for tier in fee_grid(db, cluster_id)]


def effective_status(membership: Membership, today: date) -> str:
    """A renewal not paid yet is active until its grace period ends; any other status is as it is."""
    return _effective(membership.status, membership.grace_until, today)


def _effective(status: str, grace_until: date | None, today: date) -> str:
    return "active" if status == "pending" and grace_until is not None and today <= grace_until else status
