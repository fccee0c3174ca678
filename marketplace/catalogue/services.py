"""Managing a cluster's offers in the console: the offer, its themes, co-owners and variants (packs)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..clusters.models import Cluster
from ..clusters.services import partnerships_of
from ..core.errors import Conflict, Invalid
from ..core.kinds import get_kind, is_kind
from ..core.members import members
from ..core.money import decimal_comma
from ..core.spreadsheet import spreadsheet_csv
from ..core.timeutil import paris_minute
from ..db import get_owned
from ..web.tables import TableState
from .models import Offer, OfferCoOwner, OfferTheme, OfferVariant
from .search import themes_of

THEME_MAX_LENGTH = 40


@dataclass(frozen=True)
class OfferInput:
    """Everything staff say of an offer, in the model's units (cents, basis points, UTC moments)."""

    TEXTS = ("title_fr", "title_en", "summary_fr", "summary_en", "description_fr", "description_en",
             "includes_fr", "includes_en", "location")

    kind: str
    slug: str
    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str
    description_fr: str
    description_en: str
    includes_fr: str
    includes_en: str
    location: str
    visibility: str
    is_published: bool
    members_only: bool
    discovery_scope: bool
    capacity: int | None
    max_per_order: int | None
    sale_starts_at: datetime | None
    sale_ends_at: datetime | None
    starts_at: datetime | None
    ends_at: datetime | None
    early_bird_until: datetime | None
    list_price_cents: int
    prices_include_vat: bool
    vat_rate_bps: int | None
    vat_exempt_mention: str | None
    member_price_cents: int | None
    member_discount_bps: int | None
    early_bird_discount_bps: int | None
    themes: tuple[str, ...] = ()
    included_in_tiers: tuple[str, ...] = ()
    co_owners: tuple[tuple[int, int], ...] = ()  # (cluster id, share in bps)


# What is copied onto the Offer row as it is (themes, tiers and co-owners are stored apart).
_OFFER_COLUMNS = tuple(f.name for f in fields(OfferInput) if f.name not in ("themes", "included_in_tiers", "co_owners"))


def offers_of(db: Session, cluster_id: int) -> list[Offer]:
    """Every offer of a cluster, published or not: dated ones first by date, then by title."""
    return list(db.exec(select(Offer).where(Offer.cluster_id == cluster_id).order_by(
        col(Offer.starts_at).is_(None), Offer.starts_at, Offer.title_fr, Offer.id)).all())


OFFER_SORTS = {
    "date": lambda offer: (offer.starts_at is None, offer.starts_at or datetime.min.replace(tzinfo=UTC),
                           offer.title_fr.lower()),
    "title": lambda offer: (offer.title_fr.lower(), offer.id),
    "price": lambda offer: (-offer.list_price_cents, offer.title_fr.lower()),
}


def offer_table(args, kinds) -> TableState:
    """The offers table's state from the URL: words of a title, a kind (the table's status), an order, a page."""
    return TableState.from_args(args, kinds, OFFER_SORTS, "date")


def matching_offers(offers: list[Offer], table: TableState) -> list[Offer]:
    words = table.q.lower()
    kept = [offer for offer in offers if (not words or words in offer.title_fr.lower()
                                          or words in (offer.title_en or "").lower() or words in offer.slug)
            and (not table.status or offer.kind == table.status)]
    return sorted(kept, key=OFFER_SORTS[table.sort])


def offers_csv(offers: list[Offer], kind_labels: dict, visibility_labels: dict) -> bytes:
    """The offers shown, for a spreadsheet."""
    return spreadsheet_csv([
        ["Offre", "Identifiant", "Type", "Prix public", "Prix adhérent", "Remise adhérent (%)", "Prix", "Visibilité",
         "Publiée", "Début", "Fin"],
        *([offer.title_fr, offer.slug, str(kind_labels.get(offer.kind, offer.kind)), decimal_comma(offer.list_price_cents),
           decimal_comma(offer.member_price_cents) if offer.member_price_cents is not None else "",
           decimal_comma(offer.member_discount_bps) if offer.member_discount_bps else "",
           "TTC" if offer.prices_include_vat else "HT", str(visibility_labels.get(offer.visibility, offer.visibility)),
           "oui" if offer.is_published else "non", paris_minute(offer.starts_at), paris_minute(offer.ends_at)]
          for offer in offers)])


def get_cluster_offer(db: Session, cluster: Cluster, offer_id: int) -> Offer:
    """The offer if it belongs to `cluster`; NotFound otherwise, so another cluster's offer is not revealed."""
    return get_owned(db, Offer, offer_id, _("Offre introuvable."), cluster_id=cluster.id)


def partner_clusters(db: Session, cluster_id: int) -> list[Cluster]:
    """The clusters in a partnership with this one, by name: the only possible co-owners of its offers."""
    return [other for _p, other in partnerships_of(db, cluster_id)]


def co_owners_of(db: Session, offer_id: int) -> list[tuple[OfferCoOwner, Cluster]]:
    return list(db.exec(select(OfferCoOwner, Cluster).join(Cluster, Cluster.id == OfferCoOwner.cluster_id)
                        .where(OfferCoOwner.offer_id == offer_id).order_by(Cluster.name)).all())


def variants_of(db: Session, offer_id: int) -> list[OfferVariant]:
    return list(db.exec(select(OfferVariant).where(OfferVariant.offer_id == offer_id)
                        .order_by(OfferVariant.position, OfferVariant.id)).all())


def themes_text(db: Session, offer_id: int) -> str:
    """The offer's themes as staff type them: "salon, emballage"."""
    return ", ".join(themes_of(db, [offer_id])[offer_id])


def _check_tiers(db: Session, cluster: Cluster, codes: list[str]) -> None:
    known = set(members().tier_codes(db, cluster.id))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise Invalid(_("Formule absente de la grille des cotisations de %(cluster)s : %(codes)s.",
                        cluster=cluster.name, codes=", ".join(unknown)), field="included_in_tiers")


def _check_co_owners(db: Session, cluster: Cluster, shares: list[tuple[int, int]]) -> None:
    partners = {c.id for c in partner_clusters(db, cluster.id)}
    ids = [cluster_id for cluster_id, _share in shares]
    if len(set(ids)) != len(ids):
        raise Invalid(_("Un cluster ne peut être co-organisateur qu'une fois."), field="co_owners")
    if any(cluster_id not in partners for cluster_id in ids):
        raise Invalid(_("Seuls les clusters partenaires peuvent co-organiser une offre."), field="co_owners")
    if any(not 0 < share < 10000 for _id, share in shares):
        raise Invalid(_("Une part est comprise entre 0 et 100 % (exclus)."), field="co_owners")
    if sum(share for _id, share in shares) >= 10000:
        raise Invalid(_("Les parts des co-organisateurs doivent laisser une part à votre cluster : "
                        "leur total doit rester sous 100 %."), field="co_owners")


def _check_themes(themes: list[str]) -> None:
    if any(not theme or len(theme) > THEME_MAX_LENGTH or theme != theme.strip().lower() for theme in themes):
        raise Invalid(_("Un thème fait %(n)d caractères au plus, en minuscules.", n=THEME_MAX_LENGTH),
                      field="themes")


def save_offer(db: Session, cluster: Cluster, offer: Offer, values: OfferInput) -> Offer:
    """Create or update an offer of `cluster`, with its themes and co-owners.

    Everything is checked before anything is written: the kind exists, the slug is unique in the cluster,
    included tiers exist in its fee grid, co-owners are its partners and their shares leave the cluster a part.
    """
    if not is_kind(values.kind):
        raise Invalid(_("Type d'offre inconnu."), field="kind")
    if get_kind(values.kind).document == "tax_receipt" and (values.vat_rate_bps is not None or values.co_owners):
        raise Invalid(_("Un don (mécénat) est hors champ de la TVA et revient entier au cluster : choisissez "
                        "« Hors champ / exonéré » et aucun co-organisateur."), field="vat_rate")
    query = select(Offer.id).where(Offer.cluster_id == cluster.id, Offer.slug == values.slug)
    if offer.id is not None:
        query = query.where(Offer.id != offer.id)
    if db.exec(query).first() is not None:
        raise Conflict(_("Une autre offre du cluster porte déjà cet identifiant."), field="slug")
    _check_tiers(db, cluster, list(values.included_in_tiers))
    _check_themes(list(values.themes))
    _check_co_owners(db, cluster, list(values.co_owners))
    columns = asdict(values)
    for name in _OFFER_COLUMNS:
        setattr(offer, name, columns[name])
    offer.cluster_id = cluster.id
    if offer.vat_rate_bps is not None:
        offer.vat_exempt_mention = None
    offer.included_in_tiers = ",".join(values.included_in_tiers)
    db.add(offer)
    db.flush()
    set_themes(db, offer, list(values.themes))
    set_co_owners(db, cluster, offer, list(values.co_owners))
    return offer


def set_themes(db: Session, offer: Offer, themes: list[str]) -> list[str]:
    """Replace the offer's themes (lowercase, 40 characters at most, each once)."""
    themes = list(dict.fromkeys(themes))
    _check_themes(themes)
    kept = set()
    for row in db.exec(select(OfferTheme).where(OfferTheme.offer_id == offer.id)).all():
        if row.theme in themes:
            kept.add(row.theme)
        else:
            db.delete(row)
    db.flush()
    for theme in themes:  # only what changed is written (the catalogue's version moves only then)
        if theme not in kept:
            db.add(OfferTheme(offer_id=offer.id, theme=theme))
    db.flush()
    return themes


def set_co_owners(db: Session, cluster: Cluster, offer: Offer, shares: list[tuple[int, int]]) -> None:
    """Replace the offer's co-owners: partners of its cluster, each 0 < share < 100 %, total under 100 %."""
    _check_co_owners(db, cluster, shares)
    for row in db.exec(select(OfferCoOwner).where(OfferCoOwner.offer_id == offer.id)).all():
        db.delete(row)
    db.flush()
    for cluster_id, share_bps in shares:
        db.add(OfferCoOwner(offer_id=offer.id, cluster_id=cluster_id, share_bps=share_bps))
    db.flush()


def toggle_published(db: Session, offer: Offer) -> Offer:
    """Publish an unpublished offer, or take a published one out of the catalogue."""
    offer.is_published = not offer.is_published
    db.add(offer)
    db.flush()
    return offer


@dataclass(frozen=True)
class VariantInput:
    """A priced pack of an offer: its code, labels, prices in cents and the units it consumes."""

    code: str
    label_fr: str
    label_en: str
    list_price_cents: int
    member_price_cents: int | None
    units: int


def add_variant(db: Session, offer: Offer, variant: VariantInput) -> OfferVariant:
    """A new priced pack at the end of the offer's list; its code is unique within the offer."""
    if db.exec(select(OfferVariant.id).where(OfferVariant.offer_id == offer.id,
                                             OfferVariant.code == variant.code)).first():
        raise Conflict(_("Cette offre a déjà une formule de ce code."), field="variant_code")
    row = OfferVariant(offer_id=offer.id, position=len(variants_of(db, offer.id)), **asdict(variant))
    db.add(row)
    db.flush()
    return row


def remove_variant(db: Session, offer: Offer, variant_id: int) -> None:
    db.delete(get_owned(db, OfferVariant, variant_id, _("Formule introuvable."), offer_id=offer.id))
    db.flush()
