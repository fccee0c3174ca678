"""Orders through the API: place one, read it; staff record a transfer or a refund. Bearer tokens only."""

from __future__ import annotations

import re

from flask import current_app, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..auth.permissions import is_platform_admin
from ..catalogue.search import get_visible_offer, viewer_for
from ..checkout.deadlines import apply_deadline
from ..checkout.models import CartLine, Order
from ..checkout.orders import (
    Billing,
    lines_of,
    notify_order_received,
    place_order,
    replayed_order,
    request_fingerprint,
)
from ..checkout.views import can_see_order
from ..core.errors import Conflict, Forbidden, Invalid, NotFound
from ..core.kinds import dump_options
from ..core.timeutil import utcnow
from ..db import get_db
from ..invoicing.services import invoices_of
from ..payments.models import Refund
from ..payments.services import check_booking_day, record_manual_payment
from ..payments.stripe_provider import refund_order
from ..web.i18n import current_language
from ..web.validators import clean_siret, clean_vat_number
from . import schemas as s
from .openapi import Param, documented
from .views import _json, body_of, bp, error

ACCESS_TOKEN = r"^[A-Za-z0-9_-]{0,64}$"  # an order's access token as it is made (URL-safe), or none


def _token_user():
    """The caller, if they sent a valid Bearer token (a cookie session does not count for writes)."""
    signed_in = current_user.is_authenticated  # loads the user (and notes a Bearer token) first
    return current_user if signed_in and g.get("signed_in_by_token") else None


def _order_out(order: Order, new: bool = False) -> s.OrderOut:
    """The order as the API shows it; a new one has no invoice yet, and its lines are those just written."""
    db = get_db()
    config = current_app.config
    card_url = None
    if order.payment_method == "stripe" and order.status == "pending_payment":
        card_url = url_for("payments.pay_by_card", number=order.number, t=order.access_token, _external=True)
    return s.OrderOut(
        id=order.id, number=order.number, status=order.status, currency=order.currency,
        total_excl_cents=order.total_excl_cents, total_vat_cents=order.total_vat_cents,
        total_incl_cents=order.total_incl_cents, paid_cents=order.paid_cents, created_at=order.created_at,
        lines=[s.OrderLineOut(offer_id=line.offer_id, cluster_id=line.cluster_id, description=line.description,
                              quantity=line.quantity, units=line.units, unit_price_cents=line.unit_price_cents,
                              excl_cents=line.excl_cents, vat_rate_bps=line.vat_rate_bps, vat_cents=line.vat_cents,
                              incl_cents=line.incl_cents) for line in lines_of(db, order.id)],
        payment=s.PaymentInstructions(method=order.payment_method, beneficiary=config["FEDERATION_NAME"],
                                      iban=config["FEDERATION_IBAN"], bic=config["FEDERATION_BIC"],
                                      reference=order.payment_reference, amount_cents=order.total_incl_cents,
                                      due_before=order.hold_expires_at, card_payment_url=card_url),
        url=url_for("checkout.order_page", number=order.number, t=order.access_token, _external=True),
        access_token=order.access_token,
        invoices=[] if new else [invoice.number for invoice in invoices_of(db, order.id)])


def _buyer_fields(buyer: s.BuyerIn) -> Billing:
    try:
        siret = clean_siret(buyer.siret) if buyer.siret else None
    except ValueError as exc:
        raise Invalid(_("SIRET invalide (14 chiffres, clé de contrôle)."), field="buyer.siret") from exc
    try:
        vat = clean_vat_number(buyer.vat_number) if buyer.vat_number else None
    except ValueError as exc:
        raise Invalid(_("Numéro de TVA intracommunautaire invalide."), field="buyer.vat_number") from exc
    return Billing(buyer.name, buyer.email, siret, vat, buyer.address, buyer.postal_code, buyer.city)


@bp.post("/v1/orders")
@documented("/api/v1/orders", "POST",
            "Place an order (the same request with the same idempotency key returns the same order)",
            body=s.OrderIn,
            responses={201: (s.OrderOut, "the order, holding its stock, with payment instructions"),
                       200: (s.OrderOut, "the order this caller created with this key and this very request"),
                       400: (None, "the body is not JSON"), 404: (None, "an offer is not visible to the caller"),
                       409: (None, "sold out, slot taken, or the key was used by another caller or request"),
                       422: (None, "a field is invalid or an offer cannot be sold so")},
            links={"ReadTheOrder": {"operationId": "get_/api/v1/orders/{order_id}", "description": "the order placed",
                                    "parameters": {"order_id": "$response.body#/id",
                                                   "t": "$response.body#/access_token"}}})
def create_order():
    wanted, failure = body_of(s.OrderIn)
    if failure:
        return failure
    user = _token_user()
    db = get_db()
    user_id = user.id if user else None
    # A replay must be the same request from the same caller (for anonymous callers, the same body).
    fingerprint = request_fingerprint(wanted.model_dump(mode="json"))
    existing = replayed_order(db, wanted.idempotency_key, user_id, fingerprint)
    if existing is not None:
        return _json(_order_out(existing), 200)
    viewer = viewer_for(db, user.organization_id if user else None, utcnow().year)
    lines, holders, offers = _request_lines(db, wanted, viewer)  # `offers` stay loaded until the response
    order, _created = place_order(db, None, viewer, user_id, _buyer_fields(wanted.buyer), wanted.idempotency_key,
                                  current_app.config["HOLD_MINUTES"], payment_method=wanted.payment_method,
                                  fingerprint=fingerprint, holders=holders, lang=current_language(), lines=lines,
                                  before_flush=lambda new, written: apply_deadline(db, new, written, new.created_at,
                                                                                   current_app.config))
    notify_order_received(db, order, url_for("checkout.order_page", number=order.number,
                                              t=order.access_token, _external=True), current_app.config)
    db.commit()
    return _json(_order_out(order, new=True), 201)


def _request_lines(db, wanted: s.OrderIn, viewer) -> tuple[list[CartLine], dict[int, list[dict]], list]:
    """The request's lines (not stored: numbered from 1), each line's attendees and its (offer, cluster); an
    unknown offer, or one hidden from this caller, is not found (404)."""
    lines, holders, offers = [], {}, []
    for number, line in enumerate(wanted.lines, start=1):
        offers.append(get_visible_offer(db, line.offer_id, viewer))
        lines.append(CartLine(id=number, cart_id=0, offer_id=line.offer_id, quantity=line.quantity,
                              options_json=dump_options(line.options.model_dump(exclude_none=True))))
        holders[number] = [a.model_dump() for a in line.attendees[:line.quantity]]
    return lines, holders, offers


def _find_order(order_id: int) -> Order:
    order = get_db().get(Order, order_id)
    if order is None or not can_see_order(order):
        raise NotFound(_("Commande introuvable."))
    return order


@bp.get("/v1/orders/<int:order_id>")
@documented("/api/v1/orders/<int:order_id>", "GET", "An order, for its buyer or the staff of an issuing cluster",
            params=(Param("t", "the order's access token (access_token in the order): a buyer without an API token "
                               "reads their order with it", {"type": "string", "pattern": ACCESS_TOKEN}),),
            responses={200: (s.OrderOut, "the order"), 400: (None, "the access token is unreadable"),
                       404: (None, "no such order visible to the caller")})
def get_order(order_id: int):
    if not re.fullmatch(ACCESS_TOKEN, request.args.get("t", "")):
        return error(400, _("Jeton d'accès illisible."), {"t": _("Jeton d'accès illisible.")}, "bad_request")
    return _json(_order_out(_find_order(order_id)))


def _treasurer() -> None:
    if _token_user() is None or not is_platform_admin():
        raise Forbidden(_("Il faut le jeton d'API d'un administrateur de la plateforme."))


@bp.post("/v1/orders/<int:order_id>/payments")
@documented("/api/v1/orders/<int:order_id>/payments", "POST", "Record a bank transfer received for an order",
            body=s.PaymentIn,
            responses={201: (s.PaymentOut, "recorded; a full payment settles and invoices the order"),
                       400: (None, "the body is not JSON"), 403: (None, "platform administrators only"),
                       404: (None, "no such order"), 422: (None, "a field is invalid")})
def create_payment(order_id: int):
    _treasurer()
    wanted, failure = body_of(s.PaymentIn)
    if failure:
        return failure
    db = get_db()
    order = _find_order(order_id)
    check_booking_day(order, wanted.booked_on)
    payment = record_manual_payment(db, order, wanted.amount_cents, wanted.booked_on, current_user.id, wanted.note)
    db.commit()
    return _json(s.PaymentOut(id=payment.id, order_number=order.number, amount_cents=payment.amount_cents,
                              match_status=payment.match_status, order_status=db.get(Order, order.id).status), 201)


@bp.post("/v1/orders/<int:order_id>/refunds")
@documented("/api/v1/orders/<int:order_id>/refunds", "POST", "Refund all or part of a paid order (credit notes)",
            body=s.RefundIn,
            responses={201: (s.RefundOut, "refunded, with its credit notes"),
                       200: (s.RefundOut, "the refund already made with this idempotency key"),
                       400: (None, "the body is not JSON"), 403: (None, "platform administrators only"),
                       404: (None, "no such order"),
                       409: (None, "the order is not paid, or the key was used for another refund"),
                       422: (None, "a field is invalid or the amount too high"),
                       502: (None, "the card payment provider refused: nothing was booked"),
                       503: (None, "the card payment provider cannot be reached: nothing was booked, retry with "
                                   "the same key")})
def create_refund(order_id: int):
    _treasurer()
    wanted, failure = body_of(s.RefundIn)
    if failure:
        return failure
    db = get_db()
    order = _find_order(order_id)
    if wanted.idempotency_key and (done := db.exec(select(Refund).where(
            Refund.request_key == wanted.idempotency_key)).first()) is not None:
        if done.order_id != order.id or done.amount_cents != wanted.amount_cents:
            raise Conflict(_("Cette clé d'idempotence a servi à un autre remboursement."), code="key_reused")
        return _json(_refund_out(done, order, []), 200)
    before = {i.id for i in invoices_of(db, order.id)}
    refund = refund_order(db, current_app.config, order, wanted.amount_cents, wanted.reason, current_user.id,
                          wanted.idempotency_key)
    notes = [i.number for i in invoices_of(db, order.id) if i.id not in before]
    db.commit()
    return _json(_refund_out(refund, order, notes), 201)


def _refund_out(refund: Refund, order: Order, notes: list[str]) -> s.RefundOut:
    return s.RefundOut(id=refund.id, order_number=order.number, amount_cents=refund.amount_cents,
                       method=refund.method, order_status=get_db().get(Order, order.id).status, credit_notes=notes)
