"""The shop window: home, catalogue with live search, offer pages with a live quote, events calendar."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import select

from ..auth.permissions import is_platform_admin
from ..catalogue.freshness import catalogue_version
from ..catalogue.search import (
    Filters,
    Viewer,
    all_themes,
    partnership_pairs,
    search_offers,
    themes_of,
    viewer_for,
)
from ..catalogue.themes import theme_label
from ..clusters.models import Cluster
from ..clusters.services import get_cluster, partnerships_of
from ..core.kinds import all_kinds, get_kind, is_kind
from ..core.timeutil import paris_today, utcnow
from ..db import get_db, reads_only
from ..events.services import upcoming_events
from ..memberships.services import fee_grid, list_clusters_with_counts
from ..pricing.services import buyer_context, display_prices
from ..pricing.terms import BuyerContext
from ..web.htmx import is_htmx_fragment_request, render
from ..web.i18n import current_language, localized
from ..web.pagecache import public_page
from .offer_page import kind_seen, offer_page_parts, quote_context, quote_html

bp = Blueprint("shop", __name__)


bp.add_app_template_global(theme_label, "theme_label")


@bp.app_template_global()
def kind_label(code: str) -> str:
    return str(get_kind(code).label)


def _viewer():
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    return viewer_for(get_db(), organization_id, utcnow().year, sees_everything=is_platform_admin())


def _viewer_and_buyer(version: int | None) -> tuple[Viewer, BuyerContext]:
    """Who is looking, for what they may see and the prices they pay (their memberships read once, the
    partnerships kept under the catalogue's version)."""
    db = get_db()
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    buyer = buyer_context(db, organization_id)
    pairs = current_app.extensions["fragments"].kept(("partnerships",), lambda: (partnership_pairs(db), None),
                                                      version) if organization_id is not None else ()
    return viewer_for(db, organization_id, utcnow().year, is_platform_admin(), buyer.memberships, pairs), buyer


def _results_html(filters: Filters, viewer: Viewer, buyer: BuyerContext) -> tuple[Markup, datetime | None]:
    """The result cards as this viewer sees them, and until when they hold: the first end of a sale among the
    matches, of an early-bird price on the page, or of the year (memberships count per year)."""
    db, now = get_db(), utcnow()
    result = search_offers(db, filters, viewer, now)
    prices = display_prices(db, result.offers, buyer.organization_id, now, buyer)
    html = render_template("shop/_results.html", filters=filters, result=result, prices=prices,
                           offer_themes=themes_of(db, [o.id for o, _c in result.offers]))
    ends = [result.first_sale_end, datetime(now.year + 1, 1, 1, tzinfo=UTC)]
    ends += [o.early_bird_until for o, _c in result.offers if o.early_bird_until and o.early_bird_until > now]
    return Markup(html), min(end for end in ends if end is not None)


def _filters_html(filters: Filters) -> tuple[Markup, None]:
    db = get_db()
    return Markup(render_template("shop/_filters.html", filters=filters, kinds=all_kinds(), themes=all_themes(db),
                                  clusters=db.exec(select(Cluster).order_by(Cluster.name)).all())), None


def _catalogue_context(filters: Filters, form: bool = True) -> dict:
    """The filter form and the results, each kept under the catalogue's version and what decides its content
    (the results also under the viewer's buyer facts: members see their own prices)."""
    version = catalogue_version(get_db())
    viewer, buyer = _viewer_and_buyer(version)
    state = (tuple(filters.as_args().items()), tuple(filters.errors.items()), current_language())
    cache = current_app.extensions["fragments"]
    results = cache.kept(("results", state, viewer, buyer), lambda: _results_html(filters, viewer, buyer), version)
    if not form:
        return dict(filters=filters, results_html=results)
    return dict(filters=filters, results_html=results,
                filters_html=cache.kept(("filters", state), lambda: _filters_html(filters), version))


def _catalogue_page(page: str, filters: Filters, status: int = 200, form: bool = True, **context):
    """The page, or its results alone for htmx."""
    parts = _catalogue_context(filters, form)
    if is_htmx_fragment_request():
        response = make_response(parts["results_html"], status)
        response.headers["Vary"] = "HX-Request"
        return response
    return render(page, status=status, **parts, **context)


@bp.get("/")
@reads_only
@public_page
def home():
    return _catalogue_page("shop/home.html", Filters.from_args(request.args),
                           clusters_summary=list_clusters_with_counts(get_db()))


@bp.get("/catalogue")
@reads_only
@public_page
def catalogue():
    filters = Filters.from_args(request.args)
    return _catalogue_page("shop/catalogue.html", filters, 422 if filters.errors else 200)


def _offer_context(offer_id: int, live: bool) -> tuple[dict, int | None]:
    """The offer's kept parts, checked against the viewer, what its kind shows live on its page (with `live`: a
    room's calendar, read before the quote so that both take the room's bookings from one read), the quote asked;
    and the catalogue's version."""
    db = get_db()
    seen = kind_seen(offer_id) if live else None
    if seen is not None and is_kind(seen) and get_kind(seen).live_reads:
        get_kind(seen).live_reads(db, offer_id, request.args)
    version = catalogue_version(db)
    viewer, buyer = _viewer_and_buyer(version)
    page = offer_page_parts(db, offer_id, viewer, version)
    kind = get_kind(page.offer.kind)
    shown = kind.live_context(db, page.offer, request.args, page.context) if live and kind.live_context else {}
    context = dict(kept=page, offer=page.offer, cluster=page.cluster, kind=kind, variants=page.variants,
                   **page.context, **shown)
    return context | quote_context(db, page, buyer, version), version


@bp.get("/offers/<int:offer_id>")
@reads_only
@public_page
def offer_page(offer_id: int):
    context, version = _offer_context(offer_id, live=True)
    return render("shop/offer.html", aside=quote_html("shop/_offer_aside.html", context, version), **context)


@bp.get("/offers/<int:offer_id>/quote")
@reads_only
def offer_quote(offer_id: int):
    """The quote widget alone (htmx); without JavaScript the offer page computes the same quote."""
    context, version = _offer_context(offer_id, live=False)
    response = make_response(quote_html("shop/_quote.html", context, version))
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get("/events")
@reads_only
@public_page
def events():
    """The agenda, month by month: events (each once, with its days) and other dated offers sold on their own
    (trainings, collective actions); an event's tickets, stands and sponsorships are on its page."""
    db = get_db()
    entries = [AgendaEntry(e.starts_at, localized(e, "title"), url_for("events.event_page", slug=e.slug), c.name,
                           ", ".join(filter(None, (e.venue, e.city))), e.status, e.ends_at)
               for e, c in upcoming_events(db, utcnow())]
    for offer, cluster in search_offers(db, Filters(sort="date", date_from=paris_today()), _viewer()).offers:
        if offer.event_id is None:
            entries.append(AgendaEntry(offer.starts_at, localized(offer, "title"),
                                       url_for("shop.offer_page", offer_id=offer.id), cluster.name, offer.location))
    months: OrderedDict[tuple[int, int], list[AgendaEntry]] = OrderedDict()
    for entry in sorted(entries, key=lambda e: e.starts_at):
        months.setdefault((entry.starts_at.year, entry.starts_at.month), []).append(entry)
    return render("shop/events.html", months=months)


@dataclass(frozen=True)
class AgendaEntry:
    starts_at: datetime
    title: str
    link: str
    cluster: str
    place: str
    status: str = "published"
    ends_at: datetime | None = None


@bp.get("/clusters/<slug>")
@reads_only
@public_page
def cluster_page(slug: str):
    db = get_db()
    cluster = get_cluster(db, slug)
    return _catalogue_page("clusters/page.html", Filters(cluster=slug), form=False, cluster=cluster,
                           tiers=fee_grid(db, cluster.id), partners=partnerships_of(db, cluster.id))
