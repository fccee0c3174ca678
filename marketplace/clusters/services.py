"""Use cases of the clusters feature: profiles, fee grids, members, memberships, partnerships, staff."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlmodel import Session, select

from ..auth.models import StaffRole, User
from ..auth.services import create_user, grant_staff_role, make_reset_token, normalize_email
from ..core.errors import Conflict, Invalid, NotFound
from ..mail.services import queue_email
from .models import Cluster, Organization, Partnership


def get_cluster(db: Session, slug: str) -> Cluster:
    cluster = db.exec(select(Cluster).where(Cluster.slug == slug)).first()
    if cluster is None:
        raise NotFound(_("Cluster introuvable."))
    return cluster


@dataclass(frozen=True)
class ClusterProfile:
    """What staff say of a cluster: identity, VAT, contact, presentation, where its money is paid."""

    slug: str
    name: str
    legal_name: str
    siret: str
    vat_number: str | None
    vat_regime: str
    vat_exempt_mention: str | None
    region: str
    sector: str
    city: str
    website: str | None
    email: str | None
    staff_fte: int
    description_fr: str
    description_en: str
    iban: str | None
    bic: str | None
    stripe_account_id: str | None


@dataclass(frozen=True)
class OrganizationDetails:
    """An organization's identity and contact details, as it (or staff enrolling it) gives them."""

    name: str
    kind: str
    siret: str | None
    vat_number: str | None
    headcount: int
    email: str | None
    address: str
    postal_code: str
    city: str
    turnover_euros: int | None = None  # yearly, for fee grids by turnover


def _copy(record, values) -> None:
    for name, value in asdict(values).items():
        setattr(record, name, value)


def save_cluster(db: Session, cluster: Cluster, profile: ClusterProfile) -> Cluster:
    """Create or update a cluster profile; the address identifier stays unique."""
    query = select(Cluster).where(Cluster.slug == profile.slug)
    if cluster.id is not None:
        query = query.where(Cluster.id != cluster.id)
    if db.exec(query).first():
        raise Conflict(_("Cet identifiant d'adresse est déjà pris."), field="slug")
    _copy(cluster, profile)
    db.add(cluster)
    db.flush()
    return cluster


def update_organization(db: Session, organization: Organization, details: OrganizationDetails) -> Organization:
    _copy(organization, details)
    db.add(organization)
    db.flush()
    return organization


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


def add_staff(db: Session, cluster: Cluster, email: str, full_name: str, role: str) -> User:
    """Give a (possibly new) user a staff role; a new user is emailed an invitation to choose a password."""
    email = normalize_email(email)
    user = db.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = create_user(db, email, secrets.token_urlsafe(24), full_name=full_name)
        link = current_app.config["BASE_URL"].rstrip("/") + url_for(
            "auth.reset_password_form", token=make_reset_token(user, invitation=True))
        days = current_app.config["INVITATION_MAX_AGE"] // 86400
        queue_email(db, user.email, _("Votre accès à la console de %(cluster)s", cluster=cluster.name),
                    _("Bonjour,\n\nVous faites désormais partie de l'équipe de %(cluster)s. "
                      "Choisissez votre mot de passe ici (lien valable %(days)d jours, une seule fois) :"
                      "\n%(link)s\n", cluster=cluster.name, link=link, days=days))
    grant_staff_role(db, user, cluster.id, role)
    return user
