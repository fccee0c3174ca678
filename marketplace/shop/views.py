"""The shop window: home, catalogue with live search, offer pages with a live quote, events calendar."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, request, url_for
from flask_login import current_user
from sqlmodel import select

from ..auth.permissions import is_platform_admin
from ..catalogue.models import Offer
from ..catalogue.search import Filters, all_themes, get_visible_offer, search_offers, themes_of, viewer_for
from ..catalogue.services import variants_of
from ..catalogue.themes import theme_label
from ..clusters.models import Cluster
from ..clusters.services import get_cluster, partnerships_of
from ..core.errors import PricingError
from ..core.kinds import all_kinds, get_kind
from ..core.timeutil import paris_today, utcnow
from ..db import get_db
from ..events.services import upcoming_events
from ..memberships.services import fee_grid, list_clusters_with_counts
from ..pricing.services import display_prices, price_offer
from ..web.htmx import render
from ..web.i18n import current_language, localized
from ..web.pagecache import public_page

bp = Blueprint("shop", __name__)


bp.add_app_template_global(theme_label, "theme_label")


@bp.app_template_global()
def kind_label(code: str) -> str:
    return str(get_kind(code).label)


def _viewer():
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    return viewer_for(get_db(), organization_id, utcnow().year, sees_everything=is_platform_admin())



def _catalogue_context(filters: Filters) -> dict:
    db = get_db()
    viewer = _viewer()
    result = search_offers(db, filters, viewer)
    return dict(filters=filters, result=result, kinds=all_kinds(), themes=all_themes(db),
                clusters=db.exec(select(Cluster).order_by(Cluster.name)).all(),
                prices=display_prices(db, result.offers, viewer.organization_id),
                offer_themes=themes_of(db, [o.id for o, _c in result.offers]))


@bp.get("/")
@public_page
def home():
    filters = Filters.from_args(request.args)
    return render("shop/home.html", "shop/_results.html", clusters_summary=list_clusters_with_counts(get_db()),
                  **_catalogue_context(filters))


@bp.get("/catalogue")
@public_page
def catalogue():
    filters = Filters.from_args(request.args)
    status = 422 if filters.errors else 200
    return render("shop/catalogue.html", "shop/_results.html", status=status, **_catalogue_context(filters))


def _quote_options(offer: Offer, args) -> tuple[int, dict, dict[str, str]]:
    """Quantity and the kind's options from the query string; errors by field, nothing guessed."""
    options, errors = get_kind(offer.kind).options_from(args)
    try:
        quantity = int(args.get("quantity") or 1)
    except ValueError:
        quantity, errors["quantity"] = 1, "quantity"
    return quantity, options, errors


def _quote_context(offer: Offer, cluster: Cluster) -> dict:
    """The live quote for what the visitor chose (the first pack by default); what is taken is said at once."""
    db = get_db()
    quantity, options, errors = _quote_options(offer, request.args)
    if "variant" not in options:
        variants = variants_of(db, offer.id)
        if variants:
            options["variant"] = variants[0].code
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    quote, error, code = None, None, None
    if not errors:
        try:
            quote = price_offer(db, offer, cluster, organization_id, quantity, options, lang=current_language(), available=True)
        except PricingError as exc:
            error = exc.message_in(current_language()) if exc.code != "missing_option" or request.args else None
            code = exc.code
    return dict(quote=quote, quote_error=error, quote_error_code=code, input_errors=errors, quantity=quantity,
                options=options, today=paris_today())


@bp.get("/offers/<int:offer_id>")
@public_page
def offer_page(offer_id: int):
    db = get_db()
    offer, cluster = get_visible_offer(db, offer_id, _viewer())
    kind = get_kind(offer.kind)
    return render("shop/offer.html", offer=offer, cluster=cluster, kind=kind, variants=variants_of(db, offer.id),
                  themes=themes_of(db, [offer.id])[offer.id], **_quote_context(offer, cluster),
                  **(kind.page_context(db, offer, cluster) if kind.page_context else {}))


@bp.get("/offers/<int:offer_id>/quote")
def offer_quote(offer_id: int):
    """The quote widget alone (htmx); without JavaScript the offer page computes the same quote."""
    db = get_db()
    offer, cluster = get_visible_offer(db, offer_id, _viewer())
    return render("shop/_quote.html", offer=offer, cluster=cluster, kind=get_kind(offer.kind),
                  **_quote_context(offer, cluster))


@bp.get("/events")
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
@public_page
def cluster_page(slug: str):
    db = get_db()
    cluster = get_cluster(db, slug)
    filters = Filters(cluster=slug)
    context = _catalogue_context(filters)
    return render("clusters/page.html", cluster=cluster, tiers=fee_grid(db, cluster.id),
                  partners=partnerships_of(db, cluster.id), **context)
