"""Finding offers (who may see what, search with filters, sort, pagination) and managing a cluster's offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from ..clusters.models import Cluster, Membership, MembershipTier, Partnership
from ..clusters.services import apply_form, partnerships_of
from ..core.errors import Conflict, Invalid, NotFound
from ..core.money import euros_to_cents, percent_to_bps
from ..core.timeutil import utcnow
from .models import OFFER_KINDS, Offer, OfferCoOwner, OfferTheme, OfferVariant, RoomRate

PAGE_SIZE = 24
PARIS = ZoneInfo("Europe/Paris")  # calendar days are French days
SORTS = ("relevance", "price_asc", "price_desc", "date", "title")
# Filter bounds: anything outside is a typing error, and would overflow a date or an integer column.
MAX_FILTER_EUROS = Decimal(10_000_000)
FIRST_FILTER_DAY, LAST_FILTER_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_PAGE = 1000


@dataclass(frozen=True)
class Viewer:
    """What decides visibility: the clusters the viewer's organization is an active member of, and their partners."""

    organization_id: int | None = None
    member_cluster_ids: frozenset[int] = frozenset()
    partner_cluster_ids: frozenset[int] = frozenset()
    sees_everything: bool = False


def viewer_for(db: Session, organization_id: int | None, year: int, sees_everything: bool = False) -> Viewer:
    """The viewer of an organization (None: an anonymous visitor) for a membership year."""
    if organization_id is None:
        return Viewer(sees_everything=sees_everything)
    member_of = frozenset(db.exec(select(Membership.cluster_id).where(
        Membership.organization_id == organization_id, Membership.year == year,
        Membership.status == "active")).all())
    partners: set[int] = set()
    if member_of:
        for a, b in db.exec(select(Partnership.cluster_a_id, Partnership.cluster_b_id).where(
                or_(col(Partnership.cluster_a_id).in_(member_of), col(Partnership.cluster_b_id).in_(member_of)))):
            partners.update((a, b))
    return Viewer(organization_id, member_of, frozenset(partners - member_of), sees_everything)


def _visible(viewer: Viewer):
    if viewer.sees_everything:
        return True
    clauses = [Offer.visibility == "public"]
    if viewer.member_cluster_ids:
        clauses.append(col(Offer.cluster_id).in_(viewer.member_cluster_ids))
    if viewer.partner_cluster_ids:
        clauses.append((Offer.visibility == "partners") & col(Offer.cluster_id).in_(viewer.partner_cluster_ids))
    return or_(*clauses)


@dataclass
class Filters:
    """Catalogue filters as they travel in the URL; invalid values are reported, never guessed."""

    q: str = ""
    cluster: str = ""
    kind: str = ""
    theme: str = ""
    date_from: date | None = None
    date_to: date | None = None
    price_min: int | None = None  # cents
    price_max: int | None = None
    sort: str = "relevance"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> Filters:
        f = cls(q=(args.get("q") or "").strip()[:100], cluster=(args.get("cluster") or "").strip(),
                kind=(args.get("kind") or "").strip(), theme=(args.get("theme") or "").strip())
        if f.kind and f.kind not in OFFER_KINDS:
            f.errors["kind"] = _("Type d'offre inconnu.")
            f.kind = ""
        f.sort = args.get("sort") or "relevance"
        if f.sort not in SORTS:
            f.errors["sort"] = _("Tri inconnu.")
            f.sort = "relevance"
        parsers = {"date_from": _filter_day, "date_to": _filter_day, "price_min": _filter_cents,
                   "price_max": _filter_cents, "page": _filter_page}
        for name, parse in parsers.items():
            raw = (args.get(name) or "").strip()
            if raw:
                try:
                    setattr(f, name, parse(raw))
                except ValueError as exc:
                    f.errors[name] = str(exc)
        return f

    def as_args(self, **changes) -> dict[str, str]:
        """The non-empty filters as URL arguments, with `changes` applied (for links and pagination)."""
        values = {"q": self.q, "cluster": self.cluster, "kind": self.kind, "theme": self.theme,
                  "date_from": self.date_from.isoformat() if self.date_from else "",
                  "date_to": self.date_to.isoformat() if self.date_to else "",
                  "price_min": f"{self.price_min / 100:g}" if self.price_min is not None else "",
                  "price_max": f"{self.price_max / 100:g}" if self.price_max is not None else "",
                  "sort": "" if self.sort == "relevance" else self.sort,
                  "page": str(self.page) if self.page > 1 else ""}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


def _filter_day(raw: str) -> date:
    """A day typed in a filter; ValueError, with the message to show, if unreadable or out of range."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(_("Date invalide (AAAA-MM-JJ attendu).")) from None
    if not FIRST_FILTER_DAY <= day <= LAST_FILTER_DAY:
        raise ValueError(_("Date hors de la plage acceptée (années 2000 à 2100)."))
    return day


def _filter_cents(raw: str) -> int:
    """Euros typed in a filter, as cents; ValueError unless a finite amount from 0 to MAX_FILTER_EUROS."""
    try:
        euros = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        euros = None
    if euros is None or not euros.is_finite() or euros < 0:  # NaN and infinities parse as Decimals
        raise ValueError(_("Montant invalide : un nombre positif en euros."))
    if euros > MAX_FILTER_EUROS:
        raise ValueError(_("Montant trop élevé : 10 000 000 € au plus."))
    return euros_to_cents(euros)


def _filter_page(raw: str) -> int:
    """A page number from 1 to MAX_PAGE (below 1 means the first page)."""
    try:
        page = int(raw)
    except ValueError:
        page = None
    if page is None or page > MAX_PAGE:
        raise ValueError(_("Page invalide."))
    return max(1, page)


@dataclass(frozen=True)
class SearchResult:
    offers: list[tuple[Offer, Cluster]]
    total: int
    page: int
    pages: int


def _conditions(filters: Filters, viewer: Viewer, now: datetime) -> list:
    """The WHERE clauses of a catalogue search (offer joined to its cluster)."""
    conditions = [Offer.is_published, _visible(viewer),
                  or_(col(Offer.sale_ends_at).is_(None), col(Offer.sale_ends_at) > now)]
    if filters.q:
        like = f"%{filters.q.lower()}%"
        conditions.append(or_(func.lower(Offer.title_fr).like(like), func.lower(Offer.title_en).like(like),
                              func.lower(Offer.summary_fr).like(like), func.lower(Offer.summary_en).like(like),
                              func.lower(Cluster.name).like(like)))
    if filters.cluster:
        conditions.append(Cluster.slug == filters.cluster)
    if filters.kind:
        conditions.append(Offer.kind == filters.kind)
    if filters.theme:
        conditions.append(col(Offer.id).in_(select(OfferTheme.offer_id).where(OfferTheme.theme == filters.theme)))
    if filters.date_from:
        conditions.append(col(Offer.starts_at) >= datetime.combine(filters.date_from, time.min, tzinfo=PARIS))
    if filters.date_to:
        conditions.append(col(Offer.starts_at) <= datetime.combine(filters.date_to, time.max, tzinfo=PARIS))
    if filters.price_min is not None:
        conditions.append(Offer.list_price_cents >= filters.price_min)
    if filters.price_max is not None:
        conditions.append(Offer.list_price_cents <= filters.price_max)
    return conditions


_ORDER = {
    "price_asc": (Offer.list_price_cents, Offer.id),
    "price_desc": (col(Offer.list_price_cents).desc(), Offer.id),
    "date": (col(Offer.starts_at).asc().nulls_last(), Offer.id),
    "title": (Offer.title_fr, Offer.id),
    "relevance": (col(Offer.starts_at).asc().nulls_last(), Cluster.name, Offer.title_fr, Offer.id),
}
# What a catalogue card does not show stays in the database.
_CARD_ONLY = tuple(defer(column) for column in (Offer.description_fr, Offer.description_en, Offer.includes_fr,
                                                 Offer.includes_en))


def search_offers(db: Session, filters: Filters, viewer: Viewer, now: datetime | None = None) -> SearchResult:
    """Published, visible offers still on sale that match the filters, sorted and paginated."""
    conditions = _conditions(filters, viewer, now or utcnow())
    joined = Cluster.id == Offer.cluster_id
    total = db.exec(select(func.count(Offer.id)).join(Cluster, joined).where(*conditions)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    rows = db.exec(select(Offer, Cluster).join(Cluster, joined).where(*conditions).options(*_CARD_ONLY)
                   .order_by(*_ORDER[filters.sort]).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return SearchResult([(offer, cluster) for offer, cluster in rows], total, page, pages)


def get_visible_offer(db: Session, offer_id: int, viewer: Viewer) -> tuple[Offer, Cluster]:
    """The offer if it exists, is published and the viewer may see it; NotFound otherwise (no leak)."""
    row = db.exec(select(Offer, Cluster).join(Cluster, Cluster.id == Offer.cluster_id)
                  .where(Offer.id == offer_id, Offer.is_published, _visible(viewer))).first()
    if row is None:
        raise NotFound(_("Offre introuvable."))
    return row


def all_themes(db: Session) -> list[str]:
    return list(db.exec(select(OfferTheme.theme).distinct().order_by(OfferTheme.theme)).all())


def themes_of(db: Session, offer_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {i: [] for i in offer_ids}
    if offer_ids:
        for offer_id, theme in db.exec(select(OfferTheme.offer_id, OfferTheme.theme)
                                       .where(col(OfferTheme.offer_id).in_(offer_ids)).order_by(OfferTheme.theme)):
            result[offer_id].append(theme)
    return result


# ---------------------------------------------------------------------------------------------
# Managing a cluster's offers (the console)

THEME_MAX_LENGTH = 40
OFFER_FORM_FIELDS = ("kind", "slug", "title_fr", "title_en", "summary_fr", "summary_en", "description_fr",
                     "description_en", "includes_fr", "includes_en", "visibility", "is_published", "location",
                     "capacity", "prices_include_vat", "vat_exempt_mention", "members_only", "discovery_scope")
OFFER_MOMENTS = ("sale_starts_at", "sale_ends_at", "starts_at", "ends_at", "early_bird_until")


def offers_of(db: Session, cluster_id: int) -> list[Offer]:
    """Every offer of a cluster, published or not: dated ones first by date, then by title."""
    return list(db.exec(select(Offer).where(Offer.cluster_id == cluster_id).order_by(
        col(Offer.starts_at).is_(None), Offer.starts_at, Offer.title_fr, Offer.id)).all())


def get_cluster_offer(db: Session, cluster: Cluster, offer_id: int) -> Offer:
    """The offer if it belongs to `cluster`; NotFound otherwise, so another cluster's offer is not revealed."""
    offer = db.get(Offer, offer_id)
    if offer is None or offer.cluster_id != cluster.id:
        raise NotFound(_("Offre introuvable."))
    return offer


def partner_clusters(db: Session, cluster_id: int) -> list[Cluster]:
    """The clusters in a partnership with this one, by name: the only possible co-owners of its offers."""
    return [other for _p, other in partnerships_of(db, cluster_id)]


def co_owners_of(db: Session, offer_id: int) -> list[tuple[OfferCoOwner, Cluster]]:
    return list(db.exec(select(OfferCoOwner, Cluster).join(Cluster, Cluster.id == OfferCoOwner.cluster_id)
                        .where(OfferCoOwner.offer_id == offer_id).order_by(Cluster.name)).all())


def variants_of(db: Session, offer_id: int) -> list[OfferVariant]:
    return list(db.exec(select(OfferVariant).where(OfferVariant.offer_id == offer_id)
                        .order_by(OfferVariant.position, OfferVariant.id)).all())


def rates_of(db: Session, offer_id: int) -> list[RoomRate]:
    return list(db.exec(select(RoomRate).where(RoomRate.offer_id == offer_id)
                        .order_by(RoomRate.slot, RoomRate.day_type, RoomRate.min_people, RoomRate.id)).all())


def _check_tiers(db: Session, cluster: Cluster, codes: list[str]) -> None:
    known = set(db.exec(select(MembershipTier.code).where(MembershipTier.cluster_id == cluster.id)).all())
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


def save_offer(db: Session, cluster: Cluster, offer: Offer, form) -> Offer:
    """Create or update an offer of `cluster` from a valid OfferForm, with its themes and co-owners.

    Everything is checked before anything is written: the slug is unique in the cluster, included tiers
    exist in its fee grid, co-owners are its partners and their shares leave the cluster a part.
    """
    query = select(Offer.id).where(Offer.cluster_id == cluster.id, Offer.slug == form.slug.data)
    if offer.id is not None:
        query = query.where(Offer.id != offer.id)
    if db.exec(query).first() is not None:
        raise Conflict(_("Une autre offre du cluster porte déjà cet identifiant."), field="slug")
    tiers, themes, shares = form.tier_codes(), form.theme_list(), form.co_owner_shares()
    _check_tiers(db, cluster, tiers)
    _check_themes(themes)
    _check_co_owners(db, cluster, shares)

    apply_form(offer, form, OFFER_FORM_FIELDS)
    for name in OFFER_MOMENTS:
        moment = getattr(form, name).data
        setattr(offer, name, moment.astimezone(UTC) if moment else None)
    offer.cluster_id = cluster.id
    offer.list_price_cents = euros_to_cents(form.list_price.data)
    offer.vat_rate_bps = form.vat_rate_bps()
    if offer.vat_rate_bps is not None:
        offer.vat_exempt_mention = None
    offer.member_price_cents = None if form.member_price.data is None else euros_to_cents(form.member_price.data)
    offer.member_discount_bps = (None if form.member_discount.data is None
                                 else percent_to_bps(form.member_discount.data))
    offer.early_bird_discount_bps = (None if form.early_bird_discount.data is None
                                     else percent_to_bps(form.early_bird_discount.data))
    offer.included_in_tiers = ",".join(tiers)
    db.add(offer)
    db.flush()
    set_themes(db, offer, themes)
    set_co_owners(db, cluster, offer, shares)
    return offer


def set_themes(db: Session, offer: Offer, themes: list[str]) -> list[str]:
    """Replace the offer's themes (lowercase, 40 characters at most, each once)."""
    themes = list(dict.fromkeys(themes))
    _check_themes(themes)
    for row in db.exec(select(OfferTheme).where(OfferTheme.offer_id == offer.id)).all():
        db.delete(row)
    db.flush()
    for theme in themes:
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


def add_variant(db: Session, offer: Offer, form) -> OfferVariant:
    """A new priced pack at the end of the offer's list; its code is unique within the offer."""
    code = form.variant_code.data
    if db.exec(select(OfferVariant.id).where(OfferVariant.offer_id == offer.id, OfferVariant.code == code)).first():
        raise Conflict(_("Cette offre a déjà une formule de ce code."), field="variant_code")
    member = form.variant_member_price.data
    variant = OfferVariant(offer_id=offer.id, code=code, label_fr=form.variant_label_fr.data,
                           label_en=form.variant_label_en.data,
                           list_price_cents=euros_to_cents(form.variant_list_price.data),
                           member_price_cents=None if member is None else euros_to_cents(member),
                           units=form.variant_units.data, position=len(variants_of(db, offer.id)))
    db.add(variant)
    db.flush()
    return variant


def remove_variant(db: Session, offer: Offer, variant_id: int) -> None:
    variant = db.get(OfferVariant, variant_id)
    if variant is None or variant.offer_id != offer.id:
        raise NotFound(_("Formule introuvable."))
    db.delete(variant)
    db.flush()


def add_room_rate(db: Session, offer: Offer, form) -> RoomRate:
    """A new line of a room's rate grid (room offers only); the same line twice is refused."""
    if offer.kind != "room":
        raise Invalid(_("Une grille tarifaire ne s'ajoute qu'à une location de salle."))
    values = dict(day_type=form.rate_day_type.data, slot=form.rate_slot.data,
                  min_people=form.rate_min_people.data, max_people=form.rate_max_people.data)
    if not 1 <= values["min_people"] <= values["max_people"]:
        raise Invalid(_("Le maximum doit être supérieur ou égal au minimum."), field="rate_max_people")
    if db.exec(select(RoomRate.id).where(RoomRate.offer_id == offer.id, *(
            getattr(RoomRate, name) == value for name, value in values.items()))).first():
        raise Conflict(_("Ce créneau a déjà un tarif pour ces jours et ce nombre de personnes."),
                       field="rate_min_people")
    rate = RoomRate(offer_id=offer.id, list_price_cents=euros_to_cents(form.rate_price.data), **values)
    db.add(rate)
    db.flush()
    return rate


def remove_room_rate(db: Session, offer: Offer, rate_id: int) -> None:
    rate = db.get(RoomRate, rate_id)
    if rate is None or rate.offer_id != offer.id:
        raise NotFound(_("Tarif introuvable."))
    db.delete(rate)
    db.flush()
