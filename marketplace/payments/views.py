"""Card payment redirect and the Stripe webhook endpoint."""

from __future__ import annotations

import logging

import stripe
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from ..checkout.models import Order
from ..checkout.views import can_see_order
from ..config import stripe_enabled
from ..core.errors import DomainError
from ..db import get_db
from ..web.extensions import csrf
from .stripe_provider import handle_event, start_card_payment

bp = Blueprint("payments", __name__)
log = logging.getLogger(__name__)


@bp.app_template_global()
def card_payments_enabled() -> bool:
    return stripe_enabled(current_app.config)


@bp.get("/orders/<number>/card")
def pay_by_card(number: str):
    """Send the buyer to Stripe Checkout for this order (the same session while it is open)."""
    db = get_db()
    order = db.exec(select(Order).where(Order.number == number)).first()
    if order is None or not can_see_order(order) or not stripe_enabled(current_app.config):
        abort(404)
    back = url_for("checkout.order_page", number=order.number, t=order.access_token, _external=True)
    try:
        url = start_card_payment(db, current_app.config, order, back + "&paid=1", back)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back, code=303)
    except stripe.StripeError:
        log.exception("Stripe checkout session for %s failed", order.number)
        db.rollback()
        flash(_("Le paiement par carte est indisponible pour le moment ; vous pouvez régler par virement."), "error")
        return redirect(back, code=303)
    db.commit()
    return redirect(url, code=303)


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    """Verified, deduplicated Stripe events; a bad signature or stale timestamp gets 400."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    try:
        event = stripe.Webhook.construct_event(request.get_data(as_text=True),
                                               request.headers.get("Stripe-Signature"), secret)
    except (ValueError, stripe.SignatureVerificationError):
        return {"error": "invalid payload or signature"}, 400
    db = get_db()
    outcome = handle_event(db, current_app.config, event)
    db.commit()
    log.info("stripe event %s (%s): %s", event.id, event.type, outcome)
    return {"received": True, "outcome": outcome}
