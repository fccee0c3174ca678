"""Invoice PDFs for the buyer and the staff of the issuing cluster."""

from __future__ import annotations

from flask import Blueprint, abort, make_response

from ..checkout.models import Order
from ..checkout.views import can_see_order
from ..db import get_db
from .models import Invoice
from .pdf import render_facturx
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
        response = make_response(render_tax_receipt(invoice, order.number))
    else:
        response = make_response(render_facturx(invoice, order.number))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global()
def order_invoices(order_id: int) -> list[Invoice]:
    """The invoices of an order, for the order page (which lives below this feature)."""
    return invoices_of(get_db(), order_id)
