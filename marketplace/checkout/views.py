"""Cart, checkout and order pages."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_in
from sqlmodel import select

from ..auth.permissions import can_view_cluster_console, is_platform_admin
from ..catalogue.search import Viewer, viewer_for
from ..clusters.models import Organization
from ..config import stripe_enabled
from ..core.errors import DomainError, NotFound
from ..core.timeutil import utcnow
from ..db import get_db
from ..web.extensions import RATE_LIMITS, limiter
from ..web.forms import Submission
from ..web.htmx import render
from ..web.i18n import current_language
from ..web.pagecache import personal_session_key
from .cart import (
    add_to_cart,
    adopt_visitor_cart,
    count_cart_items,
    ensure_cart,
    get_cart,
    line_options,
    price_cart,
    remove_cart_line,
    set_line_quantity,
)
from .deadlines import set_deadline
from .forms import AddToCartForm, CheckoutForm, LineQuantityForm
from .holders import named_lines, read_holders
from .models import Order
from .orders import (
    lines_by_order,
    lines_of,
    notify_order_received,
    order_documents,
    order_link,
    order_status_label,
    orders_of,
    place_order,
    request_fingerprint,
)

bp = Blueprint("checkout", __name__)
bp.add_app_template_global(order_status_label, "order_status")
CART_TOKEN = "cart_token"
JOIN_BILLING = "join_billing"  # who joins, as given on a join page, to fill the billing form


def current_viewer() -> Viewer:
    """Who is buying: the signed-in member's organization (its member prices), else a visitor."""
    organization_id = current_user.organization_id if current_user.is_authenticated else None
    return viewer_for(get_db(), organization_id, utcnow().year)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None



def current_cart(create: bool = False):
    db = get_db()
    if create:
        cart = ensure_cart(db, session.get(CART_TOKEN), _user_id())
        if cart.user_id is None:
            session[CART_TOKEN] = cart.token
        return cart
    return get_cart(db, session.get(CART_TOKEN), _user_id())


personal_session_key(CART_TOKEN)


@bp.app_template_global()
def cart_count() -> int:
    """How many items the visitor's cart holds, for « Panier (3) » in the header."""
    if not current_user.is_authenticated and not session.get(CART_TOKEN):
        return 0
    return count_cart_items(get_db(), session.get(CART_TOKEN), _user_id())


@user_logged_in.connect
def _keep_cart_across_sign_in(sender, user, **extra):
    """The visitor's cart becomes the member's on sign-in."""
    token = session.pop(CART_TOKEN, None)
    if token:
        db = get_db()
        adopt_visitor_cart(db, token, user.id)
        db.commit()


@bp.get("/cart")
def cart():
    lines = price_cart(get_db(), current_cart(), current_viewer(), current_language())
    return render("checkout/cart.html", lines=lines, total=_totals(lines))


def _totals(lines) -> dict[str, int]:
    priced = [p.priced for p in lines if p.priced]
    return {"excl": sum(q.excl_cents for q in priced), "vat": sum(q.vat_cents for q in priced),
            "incl": sum(q.incl_cents for q in priced)}


@bp.post("/cart")
def add():
    form = AddToCartForm()
    if not form.validate_on_submit():
        flash(_("Impossible d'ajouter cette offre : vérifiez la quantité et les options."), "error")
        return redirect(request.referrer or url_for("shop.catalogue"), code=303)
    db = get_db()
    try:
        options = line_options(db, form.offer_id.data, request.form, current_viewer())
        add_to_cart(db, current_cart(create=True), form.offer_id.data, form.quantity.data or 1, options, current_viewer())
    except DomainError as exc:
        db.rollback()
        flash(exc.message_in(current_language()), "error")
        return redirect(url_for("shop.offer_page", offer_id=form.offer_id.data), code=303)
    db.commit()
    flash(_("Ajouté à votre panier."), "success")
    return redirect(url_for("checkout.cart"), code=303)


@bp.post("/cart/lines/<int:line_id>/remove")
def remove(line_id: int):
    cart = current_cart()
    if cart is None:
        raise NotFound(_("Votre panier est vide."))
    db = get_db()
    remove_cart_line(db, cart, line_id)
    db.commit()
    flash(_("Ligne retirée du panier."), "info")
    return redirect(url_for("checkout.cart"), code=303)


@bp.post("/cart/lines/<int:line_id>/quantity")
def change_quantity(line_id: int):
    """A line's quantity changed in the cart, priced again (more than is left, or than an order may take, is
    refused with the reason)."""
    cart, form = current_cart(), LineQuantityForm()
    if cart is None:
        raise NotFound(_("Votre panier est vide."))
    saved = Submission(form)
    if saved.run(lambda: set_line_quantity(get_db(), cart, line_id, form.quantity.data, current_viewer())):
        flash(_("Quantité mise à jour."), "success")
    for message in [*form.form_errors, *form.quantity.errors]:
        flash(message, "error")
    return redirect(url_for("checkout.cart"), code=303)


def _prefill(form: CheckoutForm) -> None:
    """Billing details from the member's organization, the first time the form is shown."""
    form.idempotency_key.data = form.idempotency_key.data or uuid.uuid4().hex
    joining = session.get(JOIN_BILLING) or {}
    if request.method == "GET" and joining and not current_user.is_authenticated:
        form.billing_name.data = form.billing_name.data or joining.get("name")
        form.billing_siret.data = form.billing_siret.data or joining.get("siret")
        form.billing_email.data = form.billing_email.data or joining.get("email")
    if request.method == "GET" and current_user.is_authenticated:
        form.billing_email.data = form.billing_email.data or current_user.email
        if current_user.organization_id:
            org = get_db().get(Organization, current_user.organization_id)
            form.billing_name.data = org.name
            form.billing_siret.data = org.siret
            form.billing_vat_number.data = org.vat_number
            form.billing_address.data = org.address
            form.billing_postal_code.data = org.postal_code
            form.billing_city.data = org.city


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit(RATE_LIMITS["checkout"], methods=["POST"])
def checkout():
    db, cart, form = get_db(), current_cart(), CheckoutForm()
    _prefill(form)
    lines = price_cart(db, cart, current_viewer(), current_language())
    holders, holder_errors = read_holders(request.form, lines) if request.method == "POST" else ({}, {})
    status = 200
    if form.validate_on_submit() and cart is not None and not holder_errors:
        try:
            order, created = _place(db, cart, form, holders)
        except DomainError as exc:
            db.rollback()
            form.form_errors.append(exc.message)
            status = exc.status
        else:
            db.commit()
            return _placed(order, created)
    elif form.errors or holder_errors:
        status = 422
    lines = price_cart(db, cart, current_viewer(), current_language())
    return render("checkout/checkout.html", status=status, form=form, lines=lines, total=_totals(lines),
                  named=named_lines(lines), holder_errors=holder_errors)


def _place(db, cart, form: CheckoutForm, holders: dict) -> tuple[Order, bool]:
    """Turn the cart into an order (or find the one this very request made) and tell the buyer once."""
    billing = form.billing()
    method = form.payment_method.data if stripe_enabled(current_app.config) else "bank_transfer"
    order, created = place_order(db, cart, current_viewer(), _user_id(), billing, form.idempotency_key.data,
                                 current_app.config["HOLD_MINUTES"], payment_method=method,
                                 fingerprint=request_fingerprint(asdict(billing), method, cart.token), holders=holders)
    if created:
        set_deadline(db, order, order.created_at, current_app.config)
        notify_order_received(db, order, order_link(order), current_app.config)
        session.pop(JOIN_BILLING, None)
    return order, created


def _placed(order: Order, created: bool):
    """Where the buyer goes next: Stripe Checkout for a card payment, else the order's page."""
    if created:
        flash(_("Commande enregistrée : merci !"), "success")
    if order.payment_method == "stripe" and order.status == "pending_payment":
        return redirect(url_for("payments.pay_by_card", number=order.number, t=order.access_token), code=303)
    return redirect(url_for("checkout.order_page", number=order.number, t=order.access_token), code=303)


def can_see_order(order: Order) -> bool:
    """The buyer (account, organization or the link's token), staff of an issuing cluster, platform admins."""
    if request.args.get("t") and request.args["t"] == order.access_token:
        return True
    if not current_user.is_authenticated:
        return False
    if is_platform_admin() or order.user_id == current_user.id:
        return True
    if order.organization_id is not None and order.organization_id == current_user.organization_id:
        return True
    return any(can_view_cluster_console(line.cluster_id) for line in lines_of(get_db(), order.id))


@bp.get("/orders/<number>")
def order_page(number: str):
    db = get_db()
    order = db.exec(select(Order).where(Order.number == number)).first()
    if order is None or not can_see_order(order):
        abort(404)  # do not reveal that the order exists
    return render("checkout/order.html", order=order, lines=lines_of(db, order.id),
                  documents=order_documents(db, order))


@bp.get("/account/orders")
@login_required
def my_orders():
    """Each order of the member and their organization with its lines and documents (tickets...)."""
    db = get_db()
    orders = orders_of(db, current_user.id, current_user.organization_id)
    lines = lines_by_order(db, [order.id for order in orders])
    return render("checkout/my_orders.html", orders=[(order, lines.get(order.id, []), order_documents(db, order))
                                                     for order in orders])
