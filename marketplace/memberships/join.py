"""The join page of a cluster: choose a category in words, give the size its fee depends on, see the fee and
why, then pay it through the normal checkout (who joins is asked here and carried to the billing form)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_login import current_user

from ..checkout.cart import add_to_cart
from ..checkout.views import JOIN_BILLING, current_cart, current_viewer
from ..clusters.models import Cluster, Organization
from ..clusters.services import get_cluster
from ..core.errors import DomainError, PricingError
from ..core.kinds import Buyer
from ..core.timeutil import utcnow
from ..db import get_db
from ..pricing.services import price_offer
from ..web.htmx import render
from ..web.i18n import current_language
from .forms import CATEGORY_WORDS, JoinForm, join_kind_choices
from .joining import check_can_join, join_categories, read_join_options, standing_of
from .services import fee_grid, membership_offer

bp = Blueprint("join", __name__)



def _organization_id() -> int | None:
    return current_user.organization_id if current_user.is_authenticated else None


def _join_context(cluster: Cluster, args, form: JoinForm) -> dict:
    """The page's state: the categories, where the visitor stands, the options chosen and their fee (or why not)."""
    db, year = get_db(), utcnow().year
    offer = membership_offer(db, cluster)
    categories = join_categories(db, cluster.id, current_language())
    standing = standing_of(db, _organization_id(), cluster.id, year)
    options, errors = read_join_options(args)
    options.setdefault("category", categories[0].code)
    options.setdefault("year", year + 1 if standing.active(standing.this_year) else year)
    quote, error = None, None
    if not errors:
        try:
            quote = price_offer(db, offer, cluster, _organization_id(), 1, options, lang=current_language(), available=True)
        except PricingError as exc:
            error = exc.message_in(current_language())
    bases = {c.basis for c in categories if c.basis}
    organization = db.get(Organization, _organization_id()) if _organization_id() else None
    basis = next((c.basis for c in categories if c.code == options["category"]), None)
    size = _size_counted(organization, options, basis)
    return dict(cluster=cluster, offer=offer, categories=categories, standing=standing, options=options,
                input_errors=errors, quote=quote, quote_error=error, form=form, year=year, bases=bases,
                tiers=fee_grid(db, cluster.id), visitor=organization is None, organization=organization,
                words=CATEGORY_WORDS, kind_choices=join_kind_choices(), basis=basis, size=size)


def _size_counted(organization: Organization | None, options: dict, basis: str | None) -> int | None:
    """The size the fee was read for: the organization's own when it has one, else the one declared."""
    if basis is None:
        return None
    own = None if organization is None else (organization.turnover_euros if basis == "turnover"
                                             else organization.headcount)
    return own if own is not None else options.get("turnover" if basis == "turnover" else "headcount")


def _cluster_with_grid(slug: str) -> Cluster:
    cluster = get_cluster(get_db(), slug)
    if not fee_grid(get_db(), cluster.id):
        abort(404)  # no fee grid: this cluster does not take members online
    return cluster


@bp.get("/clusters/<slug>/adhesion")
def join_page(slug: str):
    cluster = _cluster_with_grid(slug)
    context = _join_context(cluster, request.args, JoinForm(formdata=None))
    get_db().commit()  # the cluster's membership offer, made the first time its page is seen
    return render("memberships/join.html", "memberships/_join_quote.html", **context)


@bp.post("/clusters/<slug>/adhesion")
def join(slug: str):
    """Put the fee in the cart (one per year) and go to the checkout, the billing form filled with who joins."""
    db, cluster, form = get_db(), _cluster_with_grid(slug), JoinForm()
    context = _join_context(cluster, request.form, form)
    if form.validate_on_submit() and context["quote"] is not None and form.check_visitor(context["visitor"]):
        try:
            check_can_join(db, context["offer"], context["options"], 1, Buyer(_organization_id(), form.siret.data))
            add_to_cart(db, current_cart(create=True), context["offer"].id, 1, context["options"], current_viewer())
        except DomainError as exc:
            db.rollback()
            form.form_errors.append(exc.message_in(current_language()))
        else:
            db.commit()
            session[JOIN_BILLING] = form.billing_prefill()
            return redirect(url_for("checkout.checkout"), code=303)
    return render("memberships/join.html", status=422, **context)
