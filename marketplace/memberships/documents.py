"""The member's documents: its certificate of membership (PDF) and the overview of its memberships."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..catalogue.models import Offer
from ..clusters.models import Cluster, Organization
from ..core.errors import Invalid
from ..core.money import format_eur_fr, format_hundredths, split_inclusive
from ..core.timeutil import paris_today
from ..invoicing.models import Invoice
from ..invoicing.pdf import PdfDocument
from .models import Membership, MembershipTier
from .services import effective_status, memberships_of


def certificate_number(membership: Membership) -> str:
    """ADH-<cluster>-<year>-<membership, 6 digits>: stable, so a reprint carries the same number."""
    return f"ADH-{membership.cluster_id}-{membership.year}-{membership.id:06d}"


def tier_codes(included_in_tiers: str) -> set[str]:
    """The tier codes of an offer's comma-separated `included_in_tiers`, blanks ignored."""
    return {code.strip() for code in included_in_tiers.split(",") if code.strip()}


def _fee_text(membership: Membership, tier: MembershipTier) -> str:
    if tier.vat_rate_bps is None:
        text = f"{format_eur_fr(membership.fee_cents)}, hors champ de la TVA"
    else:
        text = f"{format_eur_fr(membership.fee_cents)} HT (TVA {format_hundredths(tier.vat_rate_bps)} %)"
    if membership.paid_at is not None:
        text += f", acquittée le {membership.paid_at:%d/%m/%Y}"
    return text


def _organization_identity(organization: Organization) -> str:
    parts = [f"SIRET {organization.siret}" if organization.siret else "", organization.city]
    identity = ", ".join(part for part in parts if part)
    return f"{organization.name} ({identity})" if identity else organization.name


def _paragraph(pdf: PdfDocument, text: str, size: float = 11) -> None:
    """Left-aligned (not justified): the words keep single spaces, so the text copies and searches well."""
    pdf.font(size)
    pdf.multi_cell(0, 6, pdf.clean(text), align="L", new_x="LMARGIN", new_y="NEXT")


def certificate_pdf(cluster: Cluster, organization: Organization, membership: Membership, tier: MembershipTier,
                    *, today: date | None = None) -> bytes:
    """The certificate of an active (paid) membership, in French.

    Refuses (Invalid) any other: a certificate never vouches for a renewal still unpaid nor a lapsed member.
    """
    today = today or paris_today()
    if membership.status != "active":
        raise Invalid(_("Seule une adhésion active donne droit à une attestation."))
    year = membership.year
    number = certificate_number(membership)
    pdf = PdfDocument()
    pdf.set_title(f"Attestation d'adhésion {number}")
    pdf.add_page()
    pdf.text_line(cluster.legal_name, 13, bold=True, height=7)
    pdf.text_line(f"{cluster.name} · {', '.join(filter(None, (cluster.city, cluster.region)))}")
    pdf.text_line(f"SIRET {cluster.siret}")
    if cluster.email:
        pdf.text_line(cluster.email)
    pdf.ln(10)
    pdf.text_line("Attestation d'adhésion", 16, bold=True, height=9)
    pdf.text_line(f"N° {number}", 10)
    pdf.ln(6)
    _paragraph(pdf, f"{cluster.legal_name} atteste que {_organization_identity(organization)} est adhérente de "
                    f"{cluster.name} pour l'année {year}, formule {tier.name_fr}, du 01/01/{year} au 31/12/{year}.")
    pdf.ln(3)
    _paragraph(pdf, f"Cotisation {year} : {_fee_text(membership, tier)}.")
    pdf.ln(6)
    pdf.text_line(f"Fait pour servir et valoir ce que de droit. Délivrée le {today:%d/%m/%Y}.", 10)
    pdf.ln(2)
    pdf.text_line(f"Pour {cluster.legal_name}", 10, bold=True)
    pdf.ln(8)
    pdf.text_line(f"Attestation n° {number}, émise par la plateforme de la fédération des clusters pour le "
                  f"compte de {cluster.legal_name}.", 8)
    return bytes(pdf.output())


@dataclass(frozen=True)
class IncludedService:
    """A service a tier includes: it costs the member nothing, yet shows its real value (its list price)."""

    offer: Offer
    value_cents: int
    prices_include_vat: bool
    value_excl_cents: int


@dataclass(frozen=True)
class MembershipView:
    """One membership as its member sees it: status, member prices today, validity, invoices, included services."""

    membership: Membership
    cluster: Cluster
    tier: MembershipTier
    year: int
    status: str  # as recorded: a renewal not paid yet is pending
    member_prices: bool  # active, or a renewal still in its grace period
    valid_until: date
    invoices: list[Invoice] = field(default_factory=list)
    services: list[IncludedService] = field(default_factory=list)

    @property
    def included_value_excl_cents(self) -> int:
        return sum(service.value_excl_cents for service in self.services)

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def _included_service(offer: Offer) -> IncludedService:
    excl = offer.list_price_cents
    if offer.prices_include_vat and offer.vat_rate_bps:
        excl = split_inclusive(offer.list_price_cents, offer.vat_rate_bps)[0]
    return IncludedService(offer, offer.list_price_cents, offer.prices_include_vat, excl)


def _included_offers(db: Session, cluster_ids: set[int]) -> dict[tuple[int, str], list[IncludedService]]:
    """Published offers that some tier includes, by (cluster, tier code): one query for all clusters."""
    if not cluster_ids:
        return {}
    offers = db.exec(select(Offer).where(col(Offer.cluster_id).in_(cluster_ids), col(Offer.is_published),
                                         Offer.included_in_tiers != "")
                     .order_by(Offer.title_fr, Offer.id)).all()
    included: dict[tuple[int, str], list[IncludedService]] = defaultdict(list)
    for offer in offers:
        for code in tier_codes(offer.included_in_tiers):
            included[(offer.cluster_id, code)].append(_included_service(offer))
    return included


def _invoices_by_order(db: Session, order_ids: set[int]) -> dict[int, list[Invoice]]:
    if not order_ids:
        return {}
    by_order: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in db.exec(select(Invoice).where(col(Invoice.order_id).in_(order_ids))
                           .order_by(Invoice.issued_on, Invoice.id)).all():
        by_order[invoice.order_id].append(invoice)
    return by_order


def membership_overview(db: Session, organization_id: int, today: date) -> list[MembershipView]:
    """The organization's memberships, newest year first, each with its invoices and included services.

    Three queries whatever the number of memberships (memberships, invoices, offers).
    """
    rows = memberships_of(db, organization_id)
    invoices = _invoices_by_order(db, {m.order_id for m, _c, _t in rows if m.order_id is not None})
    included = _included_offers(db, {m.cluster_id for m, _c, _t in rows})
    return [MembershipView(membership=m, cluster=cluster, tier=tier, year=m.year, status=m.status,
                           member_prices=effective_status(m, today) == "active",
                           valid_until=date(m.year, 12, 31),
                           invoices=invoices.get(m.order_id, []) if m.order_id is not None else [],
                           services=included.get((m.cluster_id, tier.code), []))
            for m, cluster, tier in rows]
