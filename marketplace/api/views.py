"""JSON API for cluster websites and CRMs: clusters, offers, quotes, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from ..auth.permissions import is_platform_admin, is_staff
from ..catalogue.models import Offer
from ..catalogue.search import (
    MAX_FILTER_EUROS,
    MAX_PAGE,
    TEXT_FILTERS,
    Filters,
    Viewer,
    get_visible_offer,
    search_offers,
    themes_of,
    viewer_for,
)
from ..catalogue.services import co_owners_of, variants_of
from ..clusters.models import Cluster
from ..core.errors import Forbidden, PricingError
from ..core.kinds import get_kind, kind_codes
from ..core.timeutil import utcnow
from ..db import get_db
from ..memberships.services import fee_grid, list_clusters_with_counts
from ..pricing.services import price_offer
from ..web.extensions import RATE_LIMITS, csrf, limiter
from ..web.i18n import current_language
from . import schemas as s
from .openapi import Param, build_document, documented
from .schemas import NO_CONTROL
from .validation import field_errors

bp = Blueprint("api", __name__, url_prefix="/api")
# Writes need a Bearer token (never a cookie) or are anonymous orders: no cookie-borne write to protect.
csrf.exempt(bp)


def _api_caller() -> str:
    """API limits count per signed-in token holder, else per client address (a made-up token counts as none)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


limiter.limit(RATE_LIMITS["api_write"], key_func=_api_caller, methods=["POST"], scope="api-write")(bp)
limiter.limit(RATE_LIMITS["api_read"], key_func=_api_caller, methods=["GET"], scope="api-read")(bp)

TEXT = {"type": "string", "pattern": NO_CONTROL}
# A day from 2000-01-01 to 2100-12-31 (the catalogue's window), written YYYY-MM-DD; empty means no filter.
DAY = {"type": "string", "pattern": r"^((20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$"}
FILTER_PARAMS = (
    Param("q", "text searched in titles, summaries and cluster names", {**TEXT, "maxLength": TEXT_FILTERS["q"]}),
    Param("cluster", "cluster slug", {**TEXT, "maxLength": TEXT_FILTERS["cluster"]}),
    Param("kind", "offer kind", lambda: {"type": "string", "enum": kind_codes()}),
    Param("theme", "theme", {**TEXT, "maxLength": TEXT_FILTERS["theme"]}),
    Param("date_from", "events starting on or after this day (2000 to 2100)", DAY),
    Param("date_to", "events starting on or before this day (2000 to 2100)", DAY),
    Param("price_min", "minimum list price, euros", {"type": "number", "minimum": 0, "maximum": int(MAX_FILTER_EUROS)}),
    Param("price_max", "maximum list price, euros", {"type": "number", "minimum": 0, "maximum": int(MAX_FILTER_EUROS)}),
    Param("sort", "order", {"type": "string", "enum": ["relevance", "price_asc", "price_desc", "date", "title"]}),
    Param("page", "page number, from 1", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
)


def _json(model: BaseModel, status: int = 200):
    return current_app.response_class(model.model_dump_json(), status=status, mimetype="application/json")


def error(status: int, message: str, fields: dict[str, str] | None = None, code: str = "invalid"):
    body = s.ErrorOut(error=s.ErrorBody(status=status, message=message, code=code, fields=fields or {}))
    return _json(body, status)


def pricing_error(exc: PricingError):
    """A refusal of the pricing rules: its stable code, its message in the request's language."""
    message = exc.message_in(current_language())
    return error(exc.status, message, {exc.field or "offer_id": message}, exc.code)


def body_of(model: type[BaseModel]):
    """The JSON body read as `model`, or the error answer to send instead (400 not JSON, 422 invalid)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None, error(400, _("Le corps de la requête doit être un objet JSON."), code="bad_json")
    try:  # JSON's own types: `true` is no quantity, 0 no date
        return model.model_validate_json(request.get_data()), None
    except ValidationError as exc:
        return None, error(422, _("Requête invalide : voyez le détail par champ."), field_errors(exc), "invalid")


def _viewer() -> Viewer:
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    return viewer_for(get_db(), organization_id, utcnow().year, sees_everything=is_platform_admin())


def _offer_out(offer: Offer, cluster: Cluster, themes: list[str]) -> dict:
    return dict(id=offer.id, cluster_slug=cluster.slug, cluster_name=cluster.name, kind=offer.kind,
                title_fr=offer.title_fr, title_en=offer.title_en, summary_fr=offer.summary_fr,
                summary_en=offer.summary_en, visibility=offer.visibility, themes=themes, starts_at=offer.starts_at,
                ends_at=offer.ends_at, location=offer.location, list_price_cents=offer.list_price_cents,
                prices_include_vat=offer.prices_include_vat, vat_rate_bps=offer.vat_rate_bps,
                vat_exempt_mention=offer.vat_exempt_mention, member_price_cents=offer.member_price_cents,
                member_discount_bps=offer.member_discount_bps, members_only=offer.members_only,
                url=url_for("shop.offer_page", offer_id=offer.id, _external=True))


@bp.get("/v1/clusters")
@documented("/api/v1/clusters", "GET", "The clusters of the federation with their membership fee grids",
            responses={200: (s.ClusterList, "every cluster, by name")})
def clusters():
    db = get_db()
    return _json(s.ClusterList(clusters=[
        s.ClusterOut(id=row.cluster.id, slug=row.cluster.slug, name=row.cluster.name,
                     legal_name=row.cluster.legal_name, region=row.cluster.region, sector=row.cluster.sector,
                     city=row.cluster.city, website=row.cluster.website, description_fr=row.cluster.description_fr,
                     description_en=row.cluster.description_en, active_members=row.active_members,
                     url=url_for("shop.cluster_page", slug=row.cluster.slug, _external=True),
                     fee_grid=[s.FeeTierOut(code=t.code, category=t.category, name_fr=t.name_fr, name_en=t.name_en,
                                            min_headcount=t.min_headcount, max_headcount=t.max_headcount,
                                            fee_cents=t.fee_cents, max_years=t.max_years)
                               for t in fee_grid(db, row.cluster.id)])
        for row in list_clusters_with_counts(db)]))


@bp.get("/v1/offers")
@documented("/api/v1/offers", "GET", "Offers visible to the caller, with the catalogue's filters",
            params=FILTER_PARAMS,
            responses={200: (s.OfferList, "one page of offers"), 400: (None, "a filter is invalid")})
def offers():
    filters = Filters.from_args(request.args)
    for name in ("price_min", "price_max", "page"):  # numbers: given empty is not a number (the web form may)
        if name in request.args and not request.args[name].strip():
            filters.errors[name] = _("Valeur vide : donnez un nombre ou omettez le paramètre.")
    if filters.errors:
        return error(400, _("Filtre invalide : voyez le détail par champ."),
                     {k: str(v) for k, v in filters.errors.items()}, "bad_filter")
    db = get_db()
    result = search_offers(db, filters, _viewer())
    themes = themes_of(db, [offer.id for offer, _ in result.offers])
    return _json(s.OfferList(offers=[s.OfferOut(**_offer_out(o, c, themes[o.id])) for o, c in result.offers],
                             total=result.total, page=result.page, pages=result.pages))


@bp.get("/v1/offers/<int:offer_id>")
@documented("/api/v1/offers/<int:offer_id>", "GET", "One offer with its variants, room rates and co-owners",
            responses={200: (s.OfferDetail, "the offer"), 404: (None, "no such offer visible to the caller")})
def offer(offer_id: int):
    db = get_db()
    offer, cluster = get_visible_offer(db, offer_id, _viewer())
    variants = variants_of(db, offer.id)
    kind = get_kind(offer.kind)
    # What the offer's page shows of its kind (a room's rate grid) is part of its detail.
    rates = (kind.page_context(db, offer, cluster) if kind.page_context else {}).get("rates", [])
    owners = co_owners_of(db, offer.id)
    return _json(s.OfferDetail(
        **_offer_out(offer, cluster, themes_of(db, [offer.id])[offer.id]),
        description_fr=offer.description_fr, description_en=offer.description_en, includes_fr=offer.includes_fr,
        includes_en=offer.includes_en, capacity=offer.capacity,
        variants=[s.VariantOut(code=v.code, label_fr=v.label_fr, label_en=v.label_en,
                               list_price_cents=v.list_price_cents, member_price_cents=v.member_price_cents,
                               units=v.units) for v in variants],
        room_rates=[s.RoomRateOut(day_type=r.day_type, slot=r.slot, min_people=r.min_people,
                                  max_people=r.max_people, list_price_cents=r.list_price_cents) for r in rates],
        co_owners=[s.CoOwnerOut(cluster_slug=c.slug, share_bps=o.share_bps) for o, c in owners]))


def _may_price_for(organization_id: int) -> bool:
    """Members price for their own organization; staff and platform admins for any."""
    if not current_user.is_authenticated:
        return False
    return current_user.organization_id == organization_id or is_staff()


@bp.post("/v1/quotes")
@documented("/api/v1/quotes", "POST", "Price an offer for a quantity, options and optionally an organization",
            body=s.QuoteRequest,
            responses={200: (s.QuoteOut, "the priced lines, every discount explained"),
                       400: (None, "the body is not JSON"), 403: (None, "not allowed to price for that organization"),
                       404: (None, "no such offer visible to the caller, or no such organization"),
                       422: (None, "a field is invalid or the offer cannot be sold so")})
def quotes():
    wanted, failure = body_of(s.QuoteRequest)
    if failure:
        return failure
    if wanted.organization_id is not None and not _may_price_for(wanted.organization_id):
        raise Forbidden(_("Vous ne pouvez demander un prix que pour votre propre organisation."))
    db = get_db()
    offer, cluster = get_visible_offer(db, wanted.offer_id, _viewer())
    options = wanted.options.model_dump(exclude_none=True)
    try:
        quote = price_offer(db, offer, cluster, wanted.organization_id, wanted.quantity, options,
                            lang=current_language(), available=True)
    except PricingError as exc:
        return pricing_error(exc)
    return _json(_quote_out(quote))


def _quote_out(quote) -> s.QuoteOut:
    return s.QuoteOut(
        currency=current_app.config["CURRENCY"], total_excl_cents=quote.total_excl_cents,
        total_vat_cents=quote.total_vat_cents, total_incl_cents=quote.total_incl_cents,
        lines=[s.QuoteLineOut(
            description=line.description, quantity=line.quantity, units=line.units,
            unit_list_cents=line.unit_list_cents, unit_price_cents=line.unit_price_cents,
            excl_cents=line.excl_cents, vat_rate_bps=line.vat_rate_bps, vat_cents=line.vat_cents,
            incl_cents=line.incl_cents, real_value_cents=line.real_value_cents,
            prices_include_vat=line.prices_include_vat, vat_exempt_mention=line.vat_exempt_mention,
            adjustments=[s.AdjustmentOut(code=a.code, label_fr=a.label_fr, label_en=a.label_en,
                                         amount_cents=a.amount_cents) for a in line.adjustments])
            for line in quote.lines])


@bp.get("/openapi.json")
def openapi():
    return build_document(request.host_url.rstrip("/"))

