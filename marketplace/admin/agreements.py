"""Console: a cluster's purchasing agreements (rebates) and success-fee agreements."""

from __future__ import annotations

import secrets
from datetime import date

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from ..agreements.forms import DeclarationForm, PurchaseForm, SuccessFeeAgreementForm, SupplierAgreementForm
from ..agreements.models import (
    RebateShare,
    SuccessFeeAgreement,
    SuccessFeeDeclaration,
    SupplierAgreement,
    SupplierPurchase,
)
from ..agreements.services import (
    close_rebate_year,
    declare_outcome,
    notify_success_fee,
    purchases_by_member,
    record_purchase,
    redistribute_rebate,
)
from ..auth.permissions import staff_required
from ..catalogue.models import Offer
from ..checkout.models import Order
from ..clusters.models import Cluster, Membership, Organization
from ..core.errors import DomainError, NotFound
from ..core.money import euros_to_cents, percent_to_bps
from ..db import get_db
from ..web.htmx import render
from ..web.i18n import money
from .views import _cluster_for_staff, _form_error, bp


def _members(cluster: Cluster) -> list[tuple[int, str]]:
    """Organizations that are or were members of the cluster."""
    rows = get_db().exec(select(Organization).where(col(Organization.id).in_(
        select(Membership.organization_id).where(Membership.cluster_id == cluster.id))).order_by(Organization.name))
    return [(o.id, o.name) for o in rows]


def _success_form(cluster: Cluster) -> SuccessFeeAgreementForm:
    form = SuccessFeeAgreementForm(prefix="s")
    form.organization_id.choices = _members(cluster)
    form.offer_id.choices = [(o.id, o.title_fr) for o in get_db().exec(
        select(Offer).where(Offer.cluster_id == cluster.id, Offer.kind == "service").order_by(Offer.title_fr))]
    return form


@bp.route("/clusters/<slug>/agreements", methods=["GET", "POST"])
@staff_required
def agreements(slug: str):
    """The cluster's supplier agreements and success-fee agreements; staff add new ones."""
    cluster = _cluster_for_staff(slug)
    db = get_db()
    supplier_form, success_form = SupplierAgreementForm(prefix="a"), _success_form(cluster)
    status = 200
    if request.method == "POST":
        if request.form.get("action") == "supplier" and supplier_form.validate_on_submit():
            exists = db.exec(select(SupplierAgreement).where(
                SupplierAgreement.cluster_id == cluster.id, SupplierAgreement.year == supplier_form.year.data,
                SupplierAgreement.supplier_name == supplier_form.supplier_name.data)).first()
            if exists:
                supplier_form.supplier_name.errors = [_("Cet accord existe déjà pour cette année.")]
            else:
                record = SupplierAgreement(cluster_id=cluster.id, supplier_name=supplier_form.supplier_name.data,
                                           year=supplier_form.year.data,
                                           rebate_bps=percent_to_bps(supplier_form.rebate_percent.data),
                                           description=supplier_form.description.data or "")
                db.add(record)
                db.commit()
                flash(_("Accord d'achat créé."), "success")
                return redirect(url_for("admin.supplier_agreement", slug=slug, agreement_id=record.id), code=303)
        elif request.form.get("action") == "success" and success_form.validate_on_submit():
            minimum = euros_to_cents(success_form.minimum.data or 0)
            cap = euros_to_cents(success_form.cap.data) if success_form.cap.data is not None else None
            if cap is not None and cap < minimum:
                success_form.cap.errors = [_("Le plafond est inférieur au minimum.")]
            else:
                record = SuccessFeeAgreement(cluster_id=cluster.id, offer_id=success_form.offer_id.data,
                                             organization_id=success_form.organization_id.data,
                                             rate_bps=percent_to_bps(success_form.rate_percent.data),
                                             min_cents=minimum, cap_cents=cap,
                                             description=success_form.description.data or "")
                db.add(record)
                db.commit()
                flash(_("Accord de success fee créé."), "success")
                return redirect(url_for("admin.success_agreement", slug=slug, agreement_id=record.id), code=303)
        status = 422
    suppliers = db.exec(select(SupplierAgreement).where(SupplierAgreement.cluster_id == cluster.id)
                        .order_by(col(SupplierAgreement.year).desc(), SupplierAgreement.supplier_name)).all()
    successes = db.exec(select(SuccessFeeAgreement, Organization, Offer)
                        .join(Organization, Organization.id == SuccessFeeAgreement.organization_id)
                        .join(Offer, Offer.id == SuccessFeeAgreement.offer_id)
                        .where(SuccessFeeAgreement.cluster_id == cluster.id)).all()
    return render("admin/agreements.html", status=status, cluster=cluster, suppliers=suppliers,
                  successes=successes, supplier_form=supplier_form, success_form=success_form,
                  year=date.today().year)


def _agreement(model, cluster: Cluster, agreement_id: int):
    record = get_db().get(model, agreement_id)
    if record is None or record.cluster_id != cluster.id:
        raise NotFound(_("Accord introuvable."))
    return record


@bp.route("/clusters/<slug>/agreements/supplier/<int:agreement_id>", methods=["GET", "POST"])
@staff_required
def supplier_agreement(slug: str, agreement_id: int):
    """Purchases made through the agreement, the year's rebate and its redistribution to members."""
    cluster = _cluster_for_staff(slug)
    db = get_db()
    agreement = _agreement(SupplierAgreement, cluster, agreement_id)
    form = PurchaseForm(prefix="p")
    form.organization_id.choices = _members(cluster)
    status = 200
    action = request.form.get("action")
    if request.method == "POST":
        try:
            if action == "purchase" and form.validate_on_submit():
                record_purchase(db, agreement, form.organization_id.data, form.day.data,
                                euros_to_cents(form.amount.data), form.note.data or "", current_user.id)
                db.commit()
                flash(_("Achat enregistré."), "success")
                return redirect(request.path, code=303)
            if action == "close":
                close_rebate_year(db, agreement, date.today())
                db.commit()
                flash(_("Ristourne calculée et comptabilisée."), "success")
                return redirect(request.path, code=303)
            if action == "redistribute":
                redistribute_rebate(db, agreement, date.today())
                db.commit()
                flash(_("Ristourne reversée aux adhérents au prorata de leurs achats."), "success")
                return redirect(request.path, code=303)
        except DomainError as exc:
            db.rollback()
            if action != "purchase":
                flash(exc.message, "error")
                return redirect(request.path, code=303)
            _form_error(form, exc)
        status = 422
    names = dict(_members(cluster))
    purchases = db.exec(select(SupplierPurchase).where(SupplierPurchase.agreement_id == agreement.id)
                        .order_by(SupplierPurchase.day, SupplierPurchase.id)).all()
    shares = db.exec(select(RebateShare).where(RebateShare.agreement_id == agreement.id)
                     .order_by(RebateShare.organization_id)).all()
    return render("admin/supplier_agreement.html", status=status, cluster=cluster, agreement=agreement, form=form,
                  purchases=purchases, totals=purchases_by_member(db, agreement.id), shares=shares, names=names,
                  year_over=date.today() > date(agreement.year, 12, 31))


@bp.route("/clusters/<slug>/agreements/success/<int:agreement_id>", methods=["GET", "POST"])
@staff_required
def success_agreement(slug: str, agreement_id: int):
    """Outcomes declared on a success-fee agreement, each with the order raised for its fee."""
    cluster = _cluster_for_staff(slug)
    db = get_db()
    agreement = _agreement(SuccessFeeAgreement, cluster, agreement_id)
    form = DeclarationForm(prefix="d")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                declaration, created = declare_outcome(db, agreement, form.outcome.data,
                                                       euros_to_cents(form.declared.data), current_user.id,
                                                       form.idempotency_key.data)
            except DomainError as exc:
                db.rollback()
                _form_error(form, exc)
            else:
                order = db.get(Order, declaration.order_id) if declaration.order_id else None
                if order is not None and created:
                    link = url_for("checkout.order_page", number=order.number, t=order.access_token, _external=True)
                    notify_success_fee(db, order, declaration, link, current_app.config)
                db.commit()
                flash(_("Résultat déclaré : commande de %(fee)s émise.", fee=money(declaration.fee_cents))
                      if declaration.order_id else _("Résultat déclaré : aucune commission due."), "success")
                return redirect(request.path, code=303)
        status = 422
    if not form.idempotency_key.data or status == 200:
        form.idempotency_key.data = secrets.token_urlsafe(16)
    rows = db.exec(select(SuccessFeeDeclaration, Order).join(Order, Order.id == SuccessFeeDeclaration.order_id,
                                                             isouter=True)
                   .where(SuccessFeeDeclaration.agreement_id == agreement.id)
                   .order_by(col(SuccessFeeDeclaration.id).desc())).all()
    return render("admin/success_agreement.html", status=status, cluster=cluster, agreement=agreement, form=form,
                  rows=rows, organization=db.get(Organization, agreement.organization_id),
                  offer=db.get(Offer, agreement.offer_id))
