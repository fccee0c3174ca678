"""Use cases of the clusters feature: profiles, fee grids, members, memberships, partnerships, staff."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..auth.models import StaffRole, User
from ..auth.services import create_user, grant_staff_role, normalize_email
from ..core.errors import Conflict, Invalid, NotFound
from ..core.money import euros_to_cents
from ..core.states import MEMBERSHIP_TRANSITIONS, check_transition
from .contacts import propose_contact
from .models import Cluster, Membership, MembershipTier, Organization, Partnership


def get_cluster(db: Session, slug: str) -> Cluster:
    cluster = db.exec(select(Cluster).where(Cluster.slug == slug)).first()
    if cluster is None:
        raise NotFound(_("Cluster introuvable."))
    return cluster


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


def apply_form(record, form, fields: tuple[str, ...]) -> None:
    """Copy validated form fields onto a record, blanks becoming None for optional text."""
    for name in fields:
        value = getattr(form, name).data
        if isinstance(value, str):
            value = value.strip()
            if value == "" and record.__table__.c[name].nullable:
                value = None
        setattr(record, name, value)


CLUSTER_FIELDS = ("slug", "name", "legal_name", "siret", "vat_number", "vat_regime", "vat_exempt_mention",
                  "region", "sector", "city", "website", "email", "staff_fte", "description_fr",
                  "description_en", "iban", "bic", "stripe_account_id")
ORGANIZATION_FIELDS = ("name", "kind", "siret", "vat_number", "headcount", "email", "address",
                       "postal_code", "city")


def save_cluster(db: Session, cluster: Cluster, form) -> Cluster:
    """Create or update a cluster profile; the address identifier stays unique."""
    query = select(Cluster).where(Cluster.slug == form.slug.data.strip())
    if cluster.id is not None:
        query = query.where(Cluster.id != cluster.id)
    if db.exec(query).first():
        raise Conflict(_("Cet identifiant d'adresse est déjà pris."), field="slug")
    apply_form(cluster, form, CLUSTER_FIELDS)
    db.add(cluster)
    db.flush()
    return cluster


def update_organization(db: Session, organization: Organization, form) -> Organization:
    apply_form(organization, form, ORGANIZATION_FIELDS)
    db.add(organization)
    db.flush()
    return organization


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
            raise Invalid(_("La formule « %(tier)s » est limitée à %(n)d an(s) : cette organisation l'a déjà eue.",
                            tier=tier.name_fr, n=tier.max_years), field="tier_id")
    if tier.category == "partner" and organization.kind != "service_provider":
        raise Invalid(_("La formule partenaire est réservée aux prestataires de services."), field="tier_id")
    if tier.category not in ("partner", "discovery") and not (
            tier.min_headcount <= organization.headcount
            and (tier.max_headcount is None or organization.headcount <= tier.max_headcount)):
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
class MemberRegistration:
    membership: Membership
    organization_was_known: bool
    details_kept: bool  # the organization existed with other details, which were left as they are
    contact: str | None  # what happened to the contact (clusters.contacts), None when none was named


def register_member(db: Session, cluster: Cluster, form) -> MemberRegistration:
    """Staff enrol an organization: a new one from the form, or one already known by its SIRET as it is.

    An organization that exists is never changed from here, and who acts for it is decided by
    confirmation (clusters.contacts), never by the staff member's say-so.
    """
    organization = None
    if form.siret.data:
        organization = db.exec(select(Organization).where(Organization.siret == form.siret.data)).first()
    known = organization is not None
    details_kept = known and any(
        (getattr(form, name).data or None) != (getattr(organization, name) or None)
        for name in ORGANIZATION_FIELDS if name != "siret")
    if organization is None:
        organization = update_organization(db, Organization(), form)
    tier = db.get(MembershipTier, form.tier_id.data)
    if tier is None:
        raise Invalid(_("Formule inconnue."), field="tier_id")
    membership = add_membership(db, cluster, organization, tier, form.year.data, form.status.data)
    contact = None
    if form.contact_email.data:
        contact = propose_contact(db, cluster, organization, form.contact_email.data, organization_is_new=not known)
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


def memberships_of(db: Session, organization_id: int):
    """(membership, cluster, tier) rows of an organization, newest year first."""
    return db.exec(
        select(Membership, Cluster, MembershipTier)
        .join(Cluster, Cluster.id == Membership.cluster_id)
        .join(MembershipTier, MembershipTier.id == Membership.tier_id)
        .where(Membership.organization_id == organization_id)
        .order_by(col(Membership.year).desc(), Cluster.name)
    ).all()


def add_tier(db: Session, cluster: Cluster, form) -> MembershipTier:
    if db.exec(select(MembershipTier).where(MembershipTier.cluster_id == cluster.id,
                                            MembershipTier.code == form.code.data)).first():
        raise Conflict(_("Une formule porte déjà ce code."), field="code")
    tier = MembershipTier(
        cluster_id=cluster.id, code=form.code.data, category=form.category.data, name_fr=form.name_fr.data,
        name_en=form.name_en.data, min_headcount=form.min_headcount.data, max_headcount=form.max_headcount.data,
        fee_cents=euros_to_cents(form.fee.data), max_years=form.max_years.data,
        position=len(fee_grid(db, cluster.id)),
    )
    db.add(tier)
    db.flush()
    return tier


def partnerships_of(db: Session, cluster_id: int) -> list[tuple[Partnership, Cluster]]:
    """Each partnership of a cluster with the partner cluster."""
    rows = db.exec(select(Partnership).where((Partnership.cluster_a_id == cluster_id)
                                             | (Partnership.cluster_b_id == cluster_id))).all()
    result = []
    for partnership in rows:
        other_id = partnership.cluster_b_id if partnership.cluster_a_id == cluster_id else partnership.cluster_a_id
        result.append((partnership, db.get(Cluster, other_id)))
    return sorted(result, key=lambda row: row[1].name)


def save_partnership(db: Session, cluster: Cluster, partner_id: int, reciprocity_bps: int,
                     own_share_bps: int, note: str = "") -> Partnership:
    """Create or update the partnership between two clusters (stored once, smaller id first)."""
    if partner_id == cluster.id:
        raise Invalid(_("Un cluster ne peut pas être partenaire de lui-même."), field="partner_id")
    if db.get(Cluster, partner_id) is None:
        raise Invalid(_("Cluster partenaire inconnu."), field="partner_id")
    if not (0 <= reciprocity_bps <= 10000 and 0 <= own_share_bps <= 10000):
        raise Invalid(_("Les pourcentages vont de 0 à 100."))
    a_id, b_id = sorted((cluster.id, partner_id))
    share_a = own_share_bps if a_id == cluster.id else 10000 - own_share_bps
    partnership = db.exec(select(Partnership).where(Partnership.cluster_a_id == a_id,
                                                    Partnership.cluster_b_id == b_id)).first()
    if partnership is None:
        partnership = Partnership(cluster_a_id=a_id, cluster_b_id=b_id)
    partnership.reciprocity_discount_bps = reciprocity_bps
    partnership.share_a_bps = share_a
    partnership.share_b_bps = 10000 - share_a
    partnership.note = note
    db.add(partnership)
    db.flush()
    return partnership


def staff_of(db: Session, cluster_id: int) -> list[tuple[StaffRole, User]]:
    return list(db.exec(select(StaffRole, User).join(User, User.id == StaffRole.user_id)
                        .where(StaffRole.cluster_id == cluster_id).order_by(User.email)).all())


def add_staff(db: Session, cluster: Cluster, email: str, full_name: str, role: str) -> tuple[User, bool]:
    """Give a (possibly new) user a staff role; returns (user, created)."""
    email = normalize_email(email)
    user = db.exec(select(User).where(User.email == email)).first()
    created = user is None
    if created:
        user = create_user(db, email, secrets.token_urlsafe(24), full_name=full_name)
    grant_staff_role(db, user, cluster.id, role)
    return user, created
