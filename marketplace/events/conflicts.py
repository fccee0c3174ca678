"""Conflicts of interest (DOMAIN.md): a sponsor must not hold a direct interest in, or be involved in, the
cluster it sponsors. The buying organization is recognised by its SIRET whoever places the order (a member's
session, a guest checkout, the API); its order waits for staff approval when it is a member of an organising
cluster, on a cluster's declared exclusion list, or the employer of one of its staff."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..auth.models import StaffRole, User
from ..catalogue.models import OfferCoOwner
from ..clusters.models import Cluster, Organization
from ..core.kinds import Buyer
from ..core.members import members
from .models import SponsorExclusion


def organising_clusters(db: Session, offers) -> set[int]:
    clusters = {offer.cluster_id for offer in offers}
    clusters |= set(db.exec(select(OfferCoOwner.cluster_id).where(
        col(OfferCoOwner.offer_id).in_([offer.id for offer in offers]))).all())
    return clusters


def sponsor_conflicts(db: Session, offers, buyer: Buyer, year: int) -> str | None:
    """Why a staff member must approve this sponsorship first (in French), or None."""
    clusters = organising_clusters(db, offers)
    names = dict(db.exec(select(Cluster.id, Cluster.name).where(col(Cluster.id).in_(clusters))).all())
    organization = _organization(db, buyer)
    reasons = []
    if buyer.siret or (organization is not None and organization.siret):
        siret = buyer.siret or organization.siret
        for exclusion in db.exec(select(SponsorExclusion).where(col(SponsorExclusion.cluster_id).in_(clusters),
                                                                SponsorExclusion.siret == siret)).all():
            reasons.append(f"SIRET {siret} sur la liste d'exclusion de {names[exclusion.cluster_id]}"
                           + (f" ({exclusion.reason})" if exclusion.reason else ""))
    if organization is not None:
        for fact in members().memberships_of(db, organization.id):
            if fact.cluster_id in clusters and fact.year == year:
                reasons.append(f"{organization.name} est adhérent de {fact.cluster_name} ({year})")
        employs = db.exec(select(User.email, StaffRole.cluster_id).join(StaffRole, StaffRole.user_id == User.id)
                          .where(User.organization_id == organization.id,
                                 col(StaffRole.cluster_id).in_(clusters))).all()
        reasons += [f"{organization.name} emploie {email}, de l'équipe de {names[c]}" for email, c in employs]
    return "; ".join(dict.fromkeys(reasons)) or None


def _organization(db: Session, buyer: Buyer) -> Organization | None:
    if buyer.organization_id is not None:
        return db.get(Organization, buyer.organization_id)
    if buyer.siret:
        return db.exec(select(Organization).where(Organization.siret == buyer.siret)).first()
    return None
