"""Finding offers: who may see what, search with filters, sort and pagination, themes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from ..clusters.models import Cluster, Partnership
from ..core.errors import NotFound
from ..core.kinds import is_kind
from ..core.members import MembershipFact, active_cluster_ids
from ..core.money import euros_to_cents
from ..core.text import is_storable
from ..core.timeutil import utcnow
from .models import Offer, OfferTheme

PAGE_SIZE = 24
PARIS = ZoneInfo("Europe/Paris")  # calendar days are French days
SORTS = ("relevance", "price_asc", "price_desc", "date", "title")
# Filter bounds: anything outside is a typing error, and would overflow a date or an integer column.
MAX_FILTER_EUROS = Decimal(10_000_000)
FIRST_FILTER_DAY, LAST_FILTER_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_PAGE = 1000
TEXT_FILTERS = {"q": 100, "cluster": 60, "kind": 40, "theme": 60}  # the longest each may be


@dataclass(frozen=True)
class Viewer:
    """What decides visibility: the clusters the viewer's organization is an active member of, and their partners."""

    organization_id: int | None = None
    member_cluster_ids: frozenset[int] = frozenset()
    partner_cluster_ids: frozenset[int] = frozenset()
    sees_everything: bool = False

    def may_see(self, offer: Offer) -> bool:
        """What get_visible_offer lets through, for an offer already at hand (the same rule as `_visible`)."""
        if not offer.is_published:
            return False
        return (self.sees_everything or offer.visibility == "public" or offer.cluster_id in self.member_cluster_ids
                or (offer.visibility == "partners" and offer.cluster_id in self.partner_cluster_ids))


def viewer_for(db: Session, organization_id: int | None, year: int, sees_everything: bool = False,
               facts: Iterable[MembershipFact] | None = None,
               pairs: Iterable[tuple[int, int]] | None = None) -> Viewer:
    """The viewer of an organization (None: an anonymous visitor) for a membership year; `facts` (its memberships)
    and `pairs` (every partnership) when already read."""
    if organization_id is None:
        return Viewer(sees_everything=sees_everything)
    member_of = active_cluster_ids(db, organization_id, year) if facts is None else frozenset(
        fact.cluster_id for fact in facts if fact.year == year and fact.status == "active")
    partners: set[int] = set()
    if member_of:
        if pairs is None:
            pairs = db.exec(select(Partnership.cluster_a_id, Partnership.cluster_b_id).where(
                or_(col(Partnership.cluster_a_id).in_(member_of), col(Partnership.cluster_b_id).in_(member_of))))
        for a, b in pairs:
            if a in member_of or b in member_of:
                partners.update((a, b))
    return Viewer(organization_id, member_of, frozenset(partners - member_of), sees_everything)


def partnership_pairs(db: Session) -> tuple[tuple[int, int], ...]:
    """Every partnership's two clusters."""
    return tuple(db.exec(select(Partnership.cluster_a_id, Partnership.cluster_b_id)).all())


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
        f = cls(q=(args.get("q") or "").strip(), cluster=(args.get("cluster") or "").strip(),
                kind=(args.get("kind") or "").strip(), theme=(args.get("theme") or "").strip())
        for name, longest in TEXT_FILTERS.items():
            value = getattr(f, name)
            if len(value) > longest:
                f.errors[name] = _("Trop long : %(n)d caractères au plus.", n=longest)
            elif not is_storable(value):
                f.errors[name] = _("Caractère non admis (caractère de contrôle).")
            else:
                continue
            setattr(f, name, "")
        if f.kind and not is_kind(f.kind):
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
        if f.price_min is not None and f.price_max is not None and f.price_min > f.price_max:
            f.errors["price_max"] = _("Le prix max. est inférieur au prix min.")
        if f.date_from and f.date_to and f.date_from > f.date_to:
            f.errors["date_to"] = _("La date de fin précède la date de début.")
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
    """A page number from 1 to MAX_PAGE."""
    try:
        page = int(raw)
    except ValueError:
        page = None
    if page is None or not 1 <= page <= MAX_PAGE:
        raise ValueError(_("Page invalide : de 1 à %(max)d.", max=MAX_PAGE))
    return page


@dataclass(frozen=True)
class SearchResult:
    offers: list[tuple[Offer, Cluster]]
    total: int
    page: int
    pages: int
    first_sale_end: datetime | None = None  # the earliest end of sale among every match: the result holds until then


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

    def page_of(page: int):  # the page's rows, each with the count and first sale end of every match (one statement)
        return db.exec(select(Offer, Cluster, func.count().over(), func.min(Offer.sale_ends_at).over())
                       .join(Cluster, joined).where(*conditions)
                       .options(*_CARD_ONLY).order_by(*_ORDER[filters.sort])
                       .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()

    page, rows = filters.page, page_of(filters.page)
    first_end = None
    if rows:
        total, first_end = rows[0][2], rows[0][3]
    else:  # nothing on this page: none match, or the page is past the last one (shown instead)
        total, first_end = db.exec(select(func.count(Offer.id), func.min(Offer.sale_ends_at))
                                   .join(Cluster, joined).where(*conditions)).one()
        page = min(filters.page, max(1, -(-total // PAGE_SIZE)))
        rows = page_of(page) if total and page != filters.page else []
    pages = max(1, -(-total // PAGE_SIZE))
    return SearchResult([(offer, cluster) for offer, cluster, _total, _end in rows], total, page, pages, first_end)


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
