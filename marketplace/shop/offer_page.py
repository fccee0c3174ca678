"""An offer's page in parts: what it shows of the catalogue, kept under the catalogue's version (the offer, its
cluster, packs, pricing terms and the rendered description and grids), and the quote asked, computed each time."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect
from sqlmodel import Session, select

from ..catalogue.models import Offer, OfferVariant
from ..catalogue.search import Viewer, themes_of
from ..catalogue.services import variants_of
from ..clusters.models import Cluster
from ..core.errors import NotFound, PricingError
from ..core.kinds import get_kind
from ..core.timeutil import paris_today
from ..pricing.services import offer_terms, partnership_terms, price_offer
from ..pricing.terms import BuyerContext, OfferTerms
from ..web.i18n import current_language
from ..web.pagecache import csrf_token_for_templates


@dataclass(frozen=True)
class OfferPage:
    """The offer as its page shows it to anyone who may see it (read while attached, then only read)."""

    offer: Offer
    cluster: Cluster
    variants: list[OfferVariant]
    terms: OfferTerms | None  # None when the kind reads its terms live
    main: Markup
    details: Markup
    context: dict[str, Any]  # what the kind's page_context gave (a room's slots for its quote fields...)


def _read(db: Session, offer_id: int) -> OfferPage | None:
    row = db.exec(select(Offer, Cluster).join(Cluster, Cluster.id == Offer.cluster_id)
                  .where(Offer.id == offer_id)).first()
    if row is None:
        return None
    offer, cluster = row
    kind, variants, lang = get_kind(offer.kind), variants_of(db, offer.id), current_language()
    extra = kind.page_context(db, offer, cluster) if kind.page_context else {}
    context: dict[str, Any] = dict(offer=offer, cluster=cluster, kind=kind, variants=variants,
                                   themes=themes_of(db, [offer.id])[offer.id], **extra)
    page = OfferPage(offer, cluster, variants,
                     None if kind.terms_are_live else offer_terms(db, offer, cluster, lang, variants),
                     Markup(render_template("shop/_offer_main.html", **context)),
                     Markup(render_template("shop/_offer_details.html", **context)), extra)
    # Out of the session: its rollback at the request's end would expire them, and they are kept loaded.
    for value in (offer, cluster, *variants, *extra.values()):
        for row in value if isinstance(value, list) else [value]:
            if inspect(row, raiseerr=False) is not None and row in db:
                db.expunge(row)
    return page


# The kind of each offer this worker showed (an offer's kind never changes): its page can read ahead what the
# kind shows live before it reads the offer (see OfferKind.live_reads).
_kinds_seen: dict[int, str] = {}


def kind_seen(offer_id: int) -> str | None:
    return _kinds_seen.get(offer_id)


def offer_page_parts(db: Session, offer_id: int, viewer: Viewer, version: int | None) -> OfferPage:
    """The offer's kept parts if the viewer may see it; NotFound otherwise (missing, unpublished or hidden alike)."""
    key = ("offer", offer_id, current_language())
    page = current_app.extensions["fragments"].kept(key, lambda: (_read(db, offer_id), None), version)
    if page is not None:
        _kinds_seen[offer_id] = page.offer.kind
    if page is None or not viewer.may_see(page.offer):
        raise NotFound(_("Offre introuvable."))
    return page


def _quote_options(offer: Offer, args) -> tuple[int, dict, dict[str, str]]:
    """Quantity and the kind's options from the query string; errors by field, nothing guessed."""
    options, errors = get_kind(offer.kind).options_from(args)
    try:
        quantity = int(args.get("quantity") or 1)
    except ValueError:
        quantity, errors["quantity"] = 1, "quantity"
    return quantity, options, errors


def quote_context(db: Session, page: OfferPage, buyer: BuyerContext, version: int | None) -> dict:
    """The live quote for what the visitor chose (the first pack by default); what is taken is said at once."""
    offer, cluster = page.offer, page.cluster
    quantity, options, errors = _quote_options(offer, request.args)
    if "variant" not in options and page.variants:
        options["variant"] = page.variants[0].code
    quote, error, code = None, None, None
    if not errors:
        partnerships = () if buyer.organization_id is None else current_app.extensions["fragments"].kept(
            ("partnership-terms", cluster.id), lambda: (partnership_terms(db, cluster.id), None), version)
        try:
            quote = price_offer(db, offer, cluster, buyer.organization_id, quantity, options, lang=current_language(),
                                available=True, terms=page.terms, buyer=buyer, partnerships=partnerships)
        except PricingError as exc:
            error = exc.message_in(current_language()) if exc.code != "missing_option" or request.args else None
            code = exc.code
    return dict(quote=quote, quote_error=error, quote_error_code=code, input_errors=errors, quantity=quantity,
                options=options, today=paris_today())


# Stands for the visitor's form token in kept HTML (unguessable: what a visitor types is never taken for it).
_TOKEN_MARK = f"token-{secrets.token_hex(16)}"


def quote_html(template: str, context: dict, version: int | None) -> Markup:
    """The quote's form and box rendered once per what they show, kept under the catalogue's version; the
    visitor's own form token put in afterwards. The key holds every input of the templates that is not already
    decided by the offer and the version (its packs, the kind's page context): the options and quantity asked,
    the quote or the refusal computed live, the day, the room's default people, and whether one is signed in."""
    key = ("quote-html", template, context["offer"].id, current_language(), context.get("default_people"),
           context["quantity"], tuple(context["options"].items()), tuple(context["input_errors"].items()),
           context["quote"], context["quote_error"], context["quote_error_code"], context["today"],
           current_user.is_authenticated)
    html = current_app.extensions["fragments"].kept(
        key, lambda: (Markup(render_template(template, **context, csrf_token=lambda: _TOKEN_MARK)), None), version)
    return Markup(html.replace(_TOKEN_MARK, csrf_token_for_templates())) if _TOKEN_MARK in html else html
