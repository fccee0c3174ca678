"""Finding offers: who may see what, search with filters, sort and pagination."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ..clusters.models import Cluster, Membership, Partnership
from ..core.errors import NotFound
from ..core.timeutil import utcnow
from .models import OFFER_KINDS, Offer, OfferTheme

PAGE_SIZE = 24
PARIS = ZoneInfo("Europe/Paris")  # calendar days are French days
SORTS = ("relevance", "price_asc", "price_desc", "date", "title")


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
        for name in ("date_from", "date_to"):
            raw = args.get(name)
            if raw:
                try:
                    setattr(f, name, date.fromisoformat(raw))
                except ValueError:
                    f.errors[name] = _("Date invalide (AAAA-MM-JJ attendu).")
        for name in ("price_min", "price_max"):
            raw = (args.get(name) or "").replace(",", ".").strip()
            if raw:
                try:
                    euros = float(raw)
                    if euros < 0:
                        raise ValueError
                    setattr(f, name, round(euros * 100))
                except ValueError:
                    f.errors[name] = _("Montant invalide : un nombre positif en euros.")
        try:
            f.page = max(1, int(args.get("page") or 1))
        except ValueError:
            f.errors["page"] = _("Page invalide.")
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


@dataclass(frozen=True)
class SearchResult:
    offers: list[tuple[Offer, Cluster]]
    total: int
    page: int
    pages: int


def search_offers(db: Session, filters: Filters, viewer: Viewer, now: datetime | None = None) -> SearchResult:
    """Published, visible offers still on sale that match the filters, sorted and paginated."""
    now = now or utcnow()
    query = (select(Offer, Cluster).join(Cluster, Cluster.id == Offer.cluster_id)
             .where(Offer.is_published, _visible(viewer),
                    or_(col(Offer.sale_ends_at).is_(None), col(Offer.sale_ends_at) > now)))
    if filters.q:
        like = f"%{filters.q.lower()}%"
        query = query.where(or_(func.lower(Offer.title_fr).like(like), func.lower(Offer.title_en).like(like),
                                func.lower(Offer.summary_fr).like(like), func.lower(Offer.summary_en).like(like),
                                func.lower(Cluster.name).like(like)))
    if filters.cluster:
        query = query.where(Cluster.slug == filters.cluster)
    if filters.kind:
        query = query.where(Offer.kind == filters.kind)
    if filters.theme:
        query = query.where(col(Offer.id).in_(select(OfferTheme.offer_id).where(OfferTheme.theme == filters.theme)))
    if filters.date_from:
        query = query.where(col(Offer.starts_at) >= datetime.combine(filters.date_from, time.min, tzinfo=PARIS))
    if filters.date_to:
        query = query.where(col(Offer.starts_at) <= datetime.combine(filters.date_to, time.max, tzinfo=PARIS))
    if filters.price_min is not None:
        query = query.where(Offer.list_price_cents >= filters.price_min)
    if filters.price_max is not None:
        query = query.where(Offer.list_price_cents <= filters.price_max)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    order = {
        "price_asc": (Offer.list_price_cents, Offer.id),
        "price_desc": (col(Offer.list_price_cents).desc(), Offer.id),
        "date": (col(Offer.starts_at).is_(None), Offer.starts_at, Offer.id),
        "title": (Offer.title_fr, Offer.id),
        "relevance": (col(Offer.starts_at).is_(None), Offer.starts_at, Cluster.name, Offer.title_fr, Offer.id),
    }[filters.sort]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    rows = db.exec(query.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
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
