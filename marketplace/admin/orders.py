"""Console: orders of a cluster (sponsorship review), and the federation's treasury (payments received)."""

from __future__ import annotations

from datetime import timedelta

import stripe
from flask import current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from ..auth.models import ApiToken, User
from ..auth.permissions import is_platform_admin, platform_admin_required, staff_required
from ..auth.services import create_api_token, revoke_api_token
from ..checkout.models import Order, OrderLine
from ..checkout.services import change_order_status
from ..core.errors import DomainError, NotFound
from ..core.money import euros_to_cents
from ..core.timeutil import utcnow
from ..db import get_db
from ..ledger.fec import fec_filename, fec_for_cluster
from ..payments.forms import ManualPaymentForm, RefundForm, StatementForm
from ..payments.services import import_statement, payments_to_review, record_manual_payment
from ..payments.stripe_provider import refund_order as refund
from ..web.htmx import render
from ..web.security import accepts_large_body
from .views import _cluster_for_staff, _form_error, bp

MAX_STATEMENT_BYTES = 20 * 1024 * 1024  # room for a year of bank statements in one file


def _cluster_orders(cluster_id: int) -> list[tuple[Order, int]]:
    """Orders with lines issued by the cluster, newest first, with that cluster's share incl. VAT."""
    db = get_db()
    lines = db.exec(select(OrderLine).where(OrderLine.cluster_id == cluster_id)).all()
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.order_id] = totals.get(line.order_id, 0) + line.incl_cents
    orders = db.exec(select(Order).where(col(Order.id).in_(totals)).order_by(col(Order.id).desc())).all()
    return [(order, totals[order.id]) for order in orders]


@bp.get("/clusters/<slug>/orders")
@staff_required
def cluster_orders(slug: str):
    cluster = _cluster_for_staff(slug)
    return render("admin/orders.html", cluster=cluster, orders=_cluster_orders(cluster.id))


def _review(slug: str, order_id: int, target: str):
    db = get_db()
    cluster = _cluster_for_staff(slug)
    order = db.get(Order, order_id)
    if order is None or order.id not in {o.id for o, _t in _cluster_orders(cluster.id)}:
        raise NotFound(_("Commande introuvable."))
    change_order_status(db, order, target)
    if target == "pending_payment":
        order.hold_expires_at = utcnow() + timedelta(minutes=current_app.config["HOLD_MINUTES"])
        db.add(order)
    db.commit()
    return redirect(url_for("admin.cluster_orders", slug=slug), code=303)


@bp.post("/clusters/<slug>/orders/<int:order_id>/approve")
@staff_required
def approve_order(slug: str, order_id: int):
    """A sponsorship held for review may go on to payment."""
    response = _review(slug, order_id, "pending_payment")
    flash(_("Commande validée : l'acheteur peut la régler."), "success")
    return response


@bp.post("/clusters/<slug>/orders/<int:order_id>/reject")
@staff_required
def reject_order(slug: str, order_id: int):
    response = _review(slug, order_id, "cancelled")
    flash(_("Commande refusée et annulée ; ses places sont remises en vente."), "info")
    return response


@bp.route("/payments", methods=["GET", "POST"])
@accepts_large_body(MAX_STATEMENT_BYTES, allowed=is_platform_admin)
@platform_admin_required
def payments():
    """The federation's account: record a transfer by hand, import a statement, review what did not match."""
    db = get_db()
    manual, upload = ManualPaymentForm(), StatementForm()
    status = 200
    if request.method == "POST" and request.form.get("action") == "manual" and manual.validate_on_submit():
        order = db.exec(select(Order).where(Order.number == manual.order_number.data.upper())).first()
        try:
            if order is None:
                raise NotFound(_("Aucune commande ne porte ce numéro."))
            payment = record_manual_payment(db, order, euros_to_cents(manual.amount.data), manual.booked_on.data,
                                            current_user.id, manual.note.data or "")
        except DomainError as exc:
            db.rollback()
            _form_error(manual, exc if exc.field else type(exc)(exc.message, field="order_number"))
            status = 422
        else:
            db.commit()
            flash(_("Paiement enregistré (%(status)s).", status=payment.match_status), "success")
            return redirect(url_for("admin.payments"), code=303)
    elif request.method == "POST" and request.form.get("action") == "statement" and upload.validate_on_submit():
        data = upload.statement.data.read()  # at most MAX_STATEMENT_BYTES: larger requests answer 413
        try:
            result = import_statement(db, upload.statement.data.filename or "releve.xml", data, current_user.id)
        except DomainError as exc:
            db.rollback()
            _form_error(upload, exc if exc.field else type(exc)(exc.message, field="statement"))
            status = exc.status
        else:
            db.commit()
            flash(_("Relevé importé : %(entries)d crédit(s), %(new)d nouveau(x), %(known)d déjà connu(s).",
                    entries=result.entries, new=len(result.recorded), known=result.already_known), "success")
            return redirect(url_for("admin.payments"), code=303)
    elif request.method == "POST":
        status = 422
    return render("admin/payments.html", status=status, manual=manual, upload=upload,
                  review=payments_to_review(db))


@bp.post("/orders/<int:order_id>/refund")
@platform_admin_required
def refund_order(order_id: int):
    """Refund all or part of a paid order: on the card when paid by card, else to be paid back by transfer."""
    db = get_db()
    order = db.get(Order, order_id)
    if order is None:
        raise NotFound(_("Commande introuvable."))
    form = RefundForm()
    back = url_for("checkout.order_page", number=order.number)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back, code=303)
    try:
        refund(db, current_app.config, order, euros_to_cents(form.amount.data), form.reason.data, current_user.id)
    except DomainError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(back, code=303)
    except stripe.StripeError:
        db.rollback()
        flash(_("Stripe a refusé le remboursement ; rien n'a été enregistré. Réessayez plus tard."), "error")
        return redirect(back, code=303)
    db.commit()
    flash(_("Remboursement enregistré ; l'avoir est envoyé à l'acheteur."), "success")
    return redirect(back, code=303)


@bp.route("/tokens", methods=["GET", "POST"])
@staff_required
def api_tokens():
    """The signed-in staff member's API tokens: create (shown once) and revoke."""
    db = get_db()
    user = db.get(User, current_user.id)
    created = None
    if request.method == "POST":
        if request.form.get("revoke"):
            revoke_api_token(db, user, request.form.get("revoke", type=int) or 0)
            db.commit()
            flash(_("Jeton révoqué."), "info")
            return redirect(url_for("admin.api_tokens"), code=303)
        name = (request.form.get("name") or "").strip()
        if not name:
            flash(_("Donnez un nom au jeton (ex. « CRM du cluster »)."), "error")
            return redirect(url_for("admin.api_tokens"), code=303)
        _token, created = create_api_token(db, user, name)
        db.commit()
    tokens = db.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())).all()
    return render("admin/tokens.html", tokens=tokens, created=created)


@bp.get("/clusters/<slug>/fec/<int:year>")
@staff_required
def fec_export(slug: str, year: int):
    """The cluster's FEC for a calendar year (its own accounts in the ledger)."""
    cluster = _cluster_for_staff(slug, admin=True)
    if not 2000 <= year <= 2100:
        raise NotFound(_("Exercice inconnu."))
    response = make_response(fec_for_cluster(get_db(), cluster, year))
    response.headers["Content-Type"] = "text/plain; charset=iso-8859-15"
    response.headers["Content-Disposition"] = f'attachment; filename="{fec_filename(cluster, year)}"'
    return response
