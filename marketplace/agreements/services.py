"""Group purchasing (purchases, year-end rebate posted to the cluster, redistribution to members) and
success fees (an outcome declared by staff raises an order for the fee)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..checkout.models import Order
from ..checkout.orders import DirectLine, order_for_organization
from ..clusters.models import Organization
from ..core.errors import Conflict, Invalid
from ..core.kinds import codes_tagged
from ..core.money import format_eur_fr, format_hundredths
from ..core.timeutil import utcnow
from ..db import get_owned
from ..ledger.rules import Line
from ..ledger.services import federation, of_cluster, owed_to, post
from ..mail.services import queue_email
from ..memberships.models import Membership
from .models import (
    RebateShare,
    SuccessFeeAgreement,
    SuccessFeeDeclaration,
    SupplierAgreement,
    SupplierPurchase,
)
from .rules import rebate_cents, redistribute, success_fee_cents


@dataclass(frozen=True)
class SupplierTerms:
    supplier_name: str
    year: int
    rebate_bps: int
    description: str


@dataclass(frozen=True)
class SuccessFeeTerms:
    organization_id: int
    offer_id: int
    rate_bps: int
    min_cents: int
    cap_cents: int | None
    description: str


@dataclass(frozen=True)
class DeclaredOutcome:
    outcome: str
    declared_cents: int
    idempotency_key: str  # one per form shown: a double submit declares once


def _saved(db: Session, record):
    db.add(record)
    db.flush()
    return record


def create_supplier_agreement(db: Session, cluster_id: int, terms: SupplierTerms) -> SupplierAgreement:
    """A cluster's purchasing agreement with a supplier for a year: one per supplier and year."""
    exists = db.exec(select(SupplierAgreement.id).where(
        SupplierAgreement.cluster_id == cluster_id, SupplierAgreement.year == terms.year,
        SupplierAgreement.supplier_name == terms.supplier_name)).first()
    if exists:
        raise Invalid(_("Cet accord existe déjà pour cette année."), field="supplier_name")
    return _saved(db, SupplierAgreement(cluster_id=cluster_id, **asdict(terms)))


def create_success_agreement(db: Session, cluster_id: int, terms: SuccessFeeTerms) -> SuccessFeeAgreement:
    """A success fee for a member on one of the cluster's services; a cap, if any, is at least the minimum."""
    if terms.cap_cents is not None and terms.cap_cents < terms.min_cents:
        raise Invalid(_("Le plafond est inférieur au minimum."), field="cap")
    return _saved(db, SuccessFeeAgreement(cluster_id=cluster_id, **asdict(terms)))


def get_agreement(db: Session, model: type[SupplierAgreement] | type[SuccessFeeAgreement], cluster_id: int,
                  agreement_id: int):
    """One of the cluster's agreements of this kind; another cluster's is not found."""
    return get_owned(db, model, agreement_id, _("Accord introuvable."), cluster_id=cluster_id)


def members_ever(db: Session, cluster_id: int) -> list[Organization]:
    """Organizations that are or were members of the cluster, by name."""
    joined = select(Membership.organization_id).where(Membership.cluster_id == cluster_id)
    return list(db.exec(select(Organization).where(col(Organization.id).in_(joined)).order_by(Organization.name)))


def services_of(db: Session, cluster_id: int) -> list[Offer]:
    """The cluster's offers of a kind a success fee may follow (services)."""
    return list(db.exec(select(Offer).where(Offer.cluster_id == cluster_id,
                                            col(Offer.kind).in_(codes_tagged("success_fee")))
                        .order_by(Offer.title_fr)))


def supplier_agreements_of(db: Session, cluster_id: int) -> list[SupplierAgreement]:
    return list(db.exec(select(SupplierAgreement).where(SupplierAgreement.cluster_id == cluster_id)
                        .order_by(col(SupplierAgreement.year).desc(), SupplierAgreement.supplier_name)))


def success_agreements_of(db: Session, cluster_id: int) -> list[tuple[SuccessFeeAgreement, Organization, Offer]]:
    return list(db.exec(select(SuccessFeeAgreement, Organization, Offer)
                        .join(Organization, Organization.id == SuccessFeeAgreement.organization_id)
                        .join(Offer, Offer.id == SuccessFeeAgreement.offer_id)
                        .where(SuccessFeeAgreement.cluster_id == cluster_id)).all())


def purchases_of(db: Session, agreement_id: int) -> list[SupplierPurchase]:
    return list(db.exec(select(SupplierPurchase).where(SupplierPurchase.agreement_id == agreement_id)
                        .order_by(SupplierPurchase.day, SupplierPurchase.id)))


def rebate_shares_of(db: Session, agreement_id: int) -> list[RebateShare]:
    return list(db.exec(select(RebateShare).where(RebateShare.agreement_id == agreement_id)
                        .order_by(RebateShare.organization_id)))


def declarations_of(db: Session, agreement_id: int) -> list[tuple[SuccessFeeDeclaration, Order | None]]:
    """Outcomes declared on the agreement, newest first, each with the order raised for its fee."""
    return list(db.exec(select(SuccessFeeDeclaration, Order)
                        .join(Order, Order.id == SuccessFeeDeclaration.order_id, isouter=True)
                        .where(SuccessFeeDeclaration.agreement_id == agreement_id)
                        .order_by(col(SuccessFeeDeclaration.id).desc())).all())


def record_purchase(db: Session, agreement: SupplierAgreement, organization_id: int, day: date, amount_cents: int,
                    note: str, user_id: int | None) -> SupplierPurchase:
    """A member's purchase through the agreement, in its year, before the rebate is computed."""
    if agreement.closed_on is not None:
        raise Conflict(_("La ristourne de %(year)s est déjà calculée.", year=agreement.year))
    if day.year != agreement.year:
        raise Invalid(_("L'achat doit dater de %(year)s.", year=agreement.year), field="day")
    if amount_cents <= 0:
        raise Invalid(_("Le montant doit être positif."), field="amount")
    if db.get(Organization, organization_id) is None:
        raise Invalid(_("Adhérent inconnu."), field="organization_id")
    purchase = SupplierPurchase(agreement_id=agreement.id, organization_id=organization_id, day=day,
                                amount_cents=amount_cents, note=note[:300], recorded_by=user_id)
    db.add(purchase)
    db.flush()
    return purchase


def purchases_by_member(db: Session, agreement_id: int) -> list[tuple[int, int]]:
    """(organization id, turnover) of the agreement, by organization id."""
    rows = db.exec(select(SupplierPurchase.organization_id, func.sum(SupplierPurchase.amount_cents))
                   .where(SupplierPurchase.agreement_id == agreement_id)
                   .group_by(SupplierPurchase.organization_id).order_by(SupplierPurchase.organization_id)).all()
    return [(organization_id, int(total)) for organization_id, total in rows]


def close_rebate_year(db: Session, agreement: SupplierAgreement, on: date) -> SupplierAgreement:
    """Compute the year's rebate and post it to the cluster (the supplier pays it through the federation)."""
    if agreement.closed_on is not None:
        return agreement
    if on <= date(agreement.year, 12, 31):
        raise Conflict(_("L'année %(year)s n'est pas terminée.", year=agreement.year))
    turnover = sum(total for _org, total in purchases_by_member(db, agreement.id))
    rebate = rebate_cents(turnover, agreement.rebate_bps)
    if rebate > 0:
        label = f"Ristourne {agreement.supplier_name} {agreement.year}"
        post(db, f"rebate:{agreement.id}", label, [
            Line(federation("4098"), debit_cents=rebate, label=label),
            Line(owed_to(agreement.cluster_id), credit_cents=rebate, label=label),
            Line(of_cluster(agreement.cluster_id, "467"), debit_cents=rebate, label=label),
            Line(of_cluster(agreement.cluster_id, "609"), credit_cents=rebate, label=label)], on, "rebate")
    agreement.rebate_cents, agreement.closed_on = rebate, on
    db.add(agreement)
    db.flush()
    return agreement


def redistribute_rebate(db: Session, agreement: SupplierAgreement, on: date) -> list[RebateShare]:
    """Give the rebate back to the members pro rata of their purchases, to the cent, once."""
    existing = rebate_shares_of(db, agreement.id)
    if existing:
        return existing
    if agreement.closed_on is None:
        raise Conflict(_("Calculez d'abord la ristourne de l'année."))
    members = purchases_by_member(db, agreement.id)
    parts = redistribute(agreement.rebate_cents or 0, [total for _org, total in members])
    shares = [RebateShare(agreement_id=agreement.id, organization_id=org, purchases_cents=total, amount_cents=part)
              for (org, total), part in zip(members, parts, strict=True)]
    db.add_all(shares)
    label = f"Ristourne {agreement.supplier_name} {agreement.year} reversée"
    lines = []
    for share in shares:
        if share.amount_cents:
            name = db.get(Organization, share.organization_id).name
            lines += [Line(of_cluster(agreement.cluster_id, "709"), debit_cents=share.amount_cents, label=name),
                      Line(of_cluster(agreement.cluster_id, "4191"), credit_cents=share.amount_cents, label=name)]
    if lines:
        post(db, f"rebate_share:{agreement.id}", label, lines, on, "rebate_share")
    agreement.redistributed_on = on
    db.add(agreement)
    db.flush()
    return shares


def declare_outcome(db: Session, agreement: SuccessFeeAgreement, outcome: str, declared_cents: int,
                    user_id: int | None, idempotency_key: str,
                    now: datetime | None = None) -> tuple[SuccessFeeDeclaration, bool]:
    """An outcome (a won tender, a funded project) raises one order for the fee; returns (declaration, created).

    The same idempotency key returns the first declaration: a double submit raises one order.
    """
    existing = db.exec(select(SuccessFeeDeclaration)
                       .where(SuccessFeeDeclaration.idempotency_key == idempotency_key)).first()
    if existing is not None:
        return existing, False
    if declared_cents <= 0:
        raise Invalid(_("Le montant déclaré doit être positif."), field="declared")
    if not outcome.strip():
        raise Invalid(_("Décrivez le résultat (marché remporté, projet financé)."), field="outcome")
    fee = success_fee_cents(declared_cents, agreement.rate_bps, agreement.min_cents, agreement.cap_cents)
    declaration = SuccessFeeDeclaration(agreement_id=agreement.id, outcome=outcome.strip()[:300],
                                        declared_cents=declared_cents, fee_cents=fee, declared_by=user_id,
                                        idempotency_key=idempotency_key)
    if fee > 0:
        declaration.order_id = _raise_order(db, agreement, declaration, now or utcnow()).id
    db.add(declaration)
    db.flush()
    return declaration, True


def declare_success(db: Session, agreement: SuccessFeeAgreement, declared: DeclaredOutcome, user_id: int | None,
                    config, link_for: Callable[[Order], str]) -> SuccessFeeDeclaration:
    """Declare an outcome; the first time it raises an order, the member is told how to pay it."""
    declaration, created = declare_outcome(db, agreement, declared.outcome, declared.declared_cents, user_id,
                                           declared.idempotency_key)
    if created and declaration.order_id:
        order = db.get(Order, declaration.order_id)
        notify_success_fee(db, order, declaration, link_for(order), config)
    return declaration


def _raise_order(db: Session, agreement: SuccessFeeAgreement, declaration: SuccessFeeDeclaration,
                 now: datetime) -> Order:
    """The fee as an order of the member, payable by transfer like any other (no stock held)."""
    offer = db.get(Offer, agreement.offer_id)
    line = DirectLine(offer, f"Success fee — {offer.title_fr} : {declaration.outcome}", declaration.fee_cents,
                      offer.vat_rate_bps, offer.vat_exempt_mention, adjustments_text=(
                          f"{format_hundredths(agreement.rate_bps)} % de {format_eur_fr(declaration.declared_cents)}"))
    return order_for_organization(db, db.get(Organization, agreement.organization_id), line,
                                  f"success-fee:{declaration.idempotency_key}", now)


def is_success_fee_order(db: Session, order_id: int) -> bool:
    return db.exec(select(SuccessFeeDeclaration.id).where(SuccessFeeDeclaration.order_id == order_id)).first() \
        is not None


def notify_success_fee(db: Session, order: Order, declaration: SuccessFeeDeclaration, link: str, config) -> None:
    """The member is told of the fee raised on its outcome, with the transfer details; queued with the order."""
    body = _("Bonjour,\n\nSuite au résultat déclaré (%(outcome)s, %(declared)s HT), la commission prévue par "
             "votre accord est de %(fee)s HT, soit %(total)s TTC (commande %(number)s).\n\n"
             "À régler par virement sous 30 jours :\n  Bénéficiaire : %(holder)s\n  IBAN : %(iban)s\n"
             "  BIC : %(bic)s\n  Référence (obligatoire) : %(reference)s\n\nLa commande : %(link)s\n",
             outcome=declaration.outcome, declared=format_eur_fr(declaration.declared_cents),
             fee=format_eur_fr(declaration.fee_cents), total=format_eur_fr(order.total_incl_cents),
             number=order.number, holder=config["FEDERATION_NAME"], iban=config["FEDERATION_IBAN"],
             bic=config["FEDERATION_BIC"], reference=order.payment_reference, link=link)
    if order.billing_email:
        queue_email(db, order.billing_email, _("Commission de résultat : commande %(number)s", number=order.number),
                    body)
