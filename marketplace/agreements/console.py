"""Console: a cluster's purchasing agreements (rebates) and success-fee agreements."""

from __future__ import annotations

import secrets
from datetime import date

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..auth.permissions import staff_required
from ..catalogue.models import Offer
from ..checkout.orders import order_link
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster, Organization
from ..core.timeutil import paris_today
from ..db import get_db
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.i18n import money
from .forms import DeclarationForm, PurchaseForm, SuccessFeeAgreementForm, SupplierAgreementForm
from .models import SuccessFeeAgreement, SuccessFeeDeclaration, SupplierAgreement
from .services import (
    close_rebate_year,
    create_success_agreement,
    create_supplier_agreement,
    declarations_of,
    declare_success,
    get_agreement,
    members_ever,
    purchases_by_member,
    purchases_of,
    rebate_shares_of,
    record_purchase,
    redistribute_rebate,
    services_of,
    success_agreements_of,
    supplier_agreements_of,
)

bp = Blueprint("agreements_console", __name__, url_prefix="/console")


@bp.get("/clusters/<slug>/agreements")
@staff_required
def agreements(slug: str):
    """The cluster's supplier agreements and success-fee agreements; staff add new ones."""
    return _agreements_page(cluster_for_staff(slug))


@bp.post("/clusters/<slug>/agreements/suppliers")
@staff_required
def new_supplier_agreement(slug: str):
    """A purchasing agreement with a supplier for a year."""
    cluster = cluster_for_staff(slug)
    return _new_agreement(cluster, "supplier_form", SupplierAgreementForm(prefix="a"), create_supplier_agreement,
                          _("Accord d'achat créé."), "agreements_console.supplier_agreement")


@bp.post("/clusters/<slug>/agreements/success-fees")
@staff_required
def new_success_agreement(slug: str):
    """A success fee agreed with a member on one of the cluster's services."""
    cluster = cluster_for_staff(slug)
    return _new_agreement(cluster, "success_form", _success_form(cluster), create_success_agreement,
                          _("Accord de success fee créé."), "agreements_console.success_agreement")


def _new_agreement(cluster: Cluster, slot: str, form, create, done: str, endpoint: str):
    """Create an agreement from its form and go to its page, or show the refusal beside the form."""
    saved = Submission(form)
    if saved.run(lambda: create(get_db(), cluster.id, form.terms()), done):
        return redirect(url_for(endpoint, slug=cluster.slug, agreement_id=saved.value.id), code=303)
    return _agreements_page(cluster, **{slot: form})


def _member_choices(cluster: Cluster) -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in members_ever(get_db(), cluster.id)]


def _success_form(cluster: Cluster, **kwargs) -> SuccessFeeAgreementForm:
    form = SuccessFeeAgreementForm(prefix="s", **kwargs)
    form.organization_id.choices = _member_choices(cluster)
    form.offer_id.choices = [(o.id, o.title_fr) for o in services_of(get_db(), cluster.id)]
    return form


def _agreements_page(cluster: Cluster, supplier_form=None, success_form=None):
    supplier_form = supplier_form or SupplierAgreementForm(prefix="a", formdata=None)
    success_form = success_form or _success_form(cluster, formdata=None)
    return render("agreements/console/agreements.html", status=form_status(supplier_form, success_form),
                  cluster=cluster, suppliers=supplier_agreements_of(get_db(), cluster.id),
                  successes=success_agreements_of(get_db(), cluster.id), supplier_form=supplier_form,
                  success_form=success_form, year=paris_today().year)


@bp.get("/clusters/<slug>/agreements/supplier/<int:agreement_id>")
@staff_required
def supplier_agreement(slug: str, agreement_id: int):
    """Purchases made through the agreement, the year's rebate and its redistribution to members."""
    cluster = cluster_for_staff(slug)
    return _supplier_page(cluster, get_agreement(get_db(), SupplierAgreement, cluster.id, agreement_id))


@bp.post("/clusters/<slug>/agreements/supplier/<int:agreement_id>/purchases")
@staff_required
def record_supplier_purchase(slug: str, agreement_id: int):
    """A member's purchase through the agreement."""
    cluster = cluster_for_staff(slug)
    agreement = get_agreement(get_db(), SupplierAgreement, cluster.id, agreement_id)
    form = _purchase_form(cluster)

    def save():
        return record_purchase(get_db(), agreement, form.organization_id.data, form.day.data, form.amount.cents,
                               form.note.data or "", current_user.id)

    if Submission(form).run(save, _("Achat enregistré.")):
        return redirect(_supplier_url(cluster, agreement), code=303)
    return _supplier_page(cluster, agreement, form=form)


@bp.post("/clusters/<slug>/agreements/supplier/<int:agreement_id>/close")
@staff_required
def close_supplier_year(slug: str, agreement_id: int):
    """Compute the year's rebate and post it to the cluster."""
    return _year_end(slug, agreement_id, close_rebate_year, _("Ristourne calculée et comptabilisée."))


@bp.post("/clusters/<slug>/agreements/supplier/<int:agreement_id>/redistribute")
@staff_required
def redistribute_supplier_rebate(slug: str, agreement_id: int):
    """Give the rebate back to the members pro rata of their purchases."""
    return _year_end(slug, agreement_id, redistribute_rebate,
                     _("Ristourne reversée aux adhérents au prorata de leurs achats."))


def _year_end(slug: str, agreement_id: int, step, done: str):
    """Run a year-end step of the agreement; a refusal is shown above its button."""
    cluster = cluster_for_staff(slug)
    agreement = get_agreement(get_db(), SupplierAgreement, cluster.id, agreement_id)
    form = FlaskForm()
    if Submission(form).run(lambda: step(get_db(), agreement, paris_today()), done):
        return redirect(_supplier_url(cluster, agreement), code=303)
    return _supplier_page(cluster, agreement, year_form=form)


def _supplier_url(cluster: Cluster, agreement: SupplierAgreement) -> str:
    return url_for("agreements_console.supplier_agreement", slug=cluster.slug, agreement_id=agreement.id)


def _purchase_form(cluster: Cluster, **kwargs) -> PurchaseForm:
    form = PurchaseForm(prefix="p", **kwargs)
    form.organization_id.choices = _member_choices(cluster)
    return form


def _supplier_page(cluster: Cluster, agreement: SupplierAgreement, form=None, year_form=None):
    form = form or _purchase_form(cluster, formdata=None)
    year_form = year_form or FlaskForm(formdata=None)
    db = get_db()
    return render("agreements/console/supplier_agreement.html", status=form_status(form, year_form),
                  cluster=cluster, agreement=agreement, form=form, year_form=year_form,
                  purchases=purchases_of(db, agreement.id), totals=purchases_by_member(db, agreement.id),
                  shares=rebate_shares_of(db, agreement.id), names=dict(form.organization_id.choices),
                  year_over=paris_today() > date(agreement.year, 12, 31))


@bp.get("/clusters/<slug>/agreements/success/<int:agreement_id>")
@staff_required
def success_agreement(slug: str, agreement_id: int):
    """Outcomes declared on a success-fee agreement, each with the order raised for its fee."""
    cluster = cluster_for_staff(slug)
    agreement = get_agreement(get_db(), SuccessFeeAgreement, cluster.id, agreement_id)
    return _success_page(cluster, agreement, DeclarationForm(prefix="d", formdata=None))


@bp.post("/clusters/<slug>/agreements/success/<int:agreement_id>")
@staff_required
def declare_success_outcome(slug: str, agreement_id: int):
    """An outcome declared by staff: the fee's order is raised and the member told how to pay it."""
    cluster = cluster_for_staff(slug)
    agreement = get_agreement(get_db(), SuccessFeeAgreement, cluster.id, agreement_id)
    form = DeclarationForm(prefix="d")
    saved = Submission(form)
    if saved.run(lambda: declare_success(get_db(), agreement, form.declared_outcome(), current_user.id,
                                         current_app.config, order_link)):
        flash(_declared(saved.value), "success")
        return redirect(url_for("agreements_console.success_agreement", slug=slug, agreement_id=agreement.id),
                        code=303)
    return _success_page(cluster, agreement, form)


def _declared(declaration: SuccessFeeDeclaration) -> str:
    if declaration.order_id:
        return _("Résultat déclaré : commande de %(fee)s émise.", fee=money(declaration.fee_cents))
    return _("Résultat déclaré : aucune commission due.")


def _success_page(cluster: Cluster, agreement: SuccessFeeAgreement, form: DeclarationForm):
    if not form.idempotency_key.data:  # a new form, a new key; a refused one keeps its own
        form.idempotency_key.data = secrets.token_urlsafe(16)
    db = get_db()
    return render("agreements/console/success_agreement.html", status=form_status(form), cluster=cluster,
                  agreement=agreement, form=form, rows=declarations_of(db, agreement.id),
                  organization=db.get(Organization, agreement.organization_id),
                  offer=db.get(Offer, agreement.offer_id))
