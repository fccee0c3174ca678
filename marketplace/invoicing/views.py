"""Invoice and quote PDFs for the buyer and the staff of the issuing cluster."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import select

from ..checkout.cart import price_cart
from ..checkout.models import Order
from ..checkout.views import can_see_order, current_cart, current_viewer
from ..core.timeutil import paris_today
from ..db import get_db
from ..web.i18n import current_language
from .models import Invoice
from .pdf import render_facturx
from .quotes import QUOTED_STATUSES, cart_quote, order_quote, render_quote
from .receipts import render_tax_receipt
from .services import invoices_of

bp = Blueprint("invoicing", __name__)


@bp.get("/invoices/<int:invoice_id>.pdf")
def invoice_pdf(invoice_id: int):
    db = get_db()
    invoice = db.get(Invoice, invoice_id)
    order = db.get(Order, invoice.order_id) if invoice else None
    if order is None or not can_see_order(order):
        abort(404)
    credited = db.get(Invoice, invoice.credited_invoice_id) if invoice.credited_invoice_id else None
    if "tax_receipt" in (invoice.kind, credited.kind if credited else None):  # a gift: a receipt, not an invoice
        return _pdf(render_tax_receipt(invoice, order.number), invoice.number)
    return _pdf(render_facturx(invoice, order.number), invoice.number)


@bp.get("/cart/quote.pdf")
def cart_quote_pdf():
    """A quote of the cart at today's prices, to have the purchase approved before ordering."""
    db, cart = get_db(), current_cart()
    priced = price_cart(db, cart, current_viewer(), current_language())
    if cart is None or not any(p.priced and not p.problem for p in priced):
        flash(_("Votre panier ne contient rien à chiffrer."), "error")
        return redirect(url_for("checkout.cart"), code=303)
    quote = cart_quote(db, cart, priced, current_viewer().organization_id, paris_today(),
                       current_app.config["QUOTE_VALIDITY_DAYS"])
    return _pdf(_render(quote), quote.number)


@bp.get("/orders/<number>/quote.pdf")
def order_quote_pdf(number: str):
    """The quote of an order awaiting payment: its frozen prices, valid until its payment deadline."""
    db = get_db()
    order = db.exec(select(Order).where(Order.number == number[:20])).first()
    if order is None or order.status not in QUOTED_STATUSES or not can_see_order(order):
        abort(404)
    quote = order_quote(db, order, paris_today())
    return _pdf(_render(quote), quote.number)


def _render(quote) -> bytes:
    config = current_app.config
    return render_quote(quote, config["FEDERATION_NAME"], config["FEDERATION_IBAN"], config["FEDERATION_BIC"])


def _pdf(data: bytes, name: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global()
def order_invoices(order_id: int) -> list[Invoice]:
    """The invoices of an order, for the order page (which lives below this feature)."""
    return invoices_of(get_db(), order_id)
