"""The member's own organization: its details, which its contacts keep up to date, and its memberships."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clusters.forms import OrganizationForm
from ..clusters.models import Cluster, Organization
from ..clusters.services import update_organization
from ..core.errors import Conflict, Invalid
from ..core.timeutil import paris_today
from ..db import get_db
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .documents import certificate_number, certificate_pdf, membership_overview
from .models import Membership, MembershipTier
from .services import memberships_of

bp = Blueprint("memberships", __name__)


@bp.route("/account/organization", methods=["GET", "POST"])
@login_required
def my_organization():
    db = get_db()
    if current_user.organization_id is None:
        flash(_("Votre compte n'est rattaché à aucune organisation."), "warning")
        return redirect(url_for("auth.account"), code=303)
    organization = db.get(Organization, current_user.organization_id)
    form = OrganizationForm(obj=organization)
    if Submission(form).run(lambda: update_organization(db, organization, form.details()),
                            _("Organisation enregistrée.")):
        return redirect(url_for("memberships.my_organization"), code=303)
    return render("memberships/organization.html", status=form_status(form), form=form,
                  organization=organization, memberships=memberships_of(db, organization.id))


@bp.get("/account/membership")
@login_required
def my_membership():
    if current_user.organization_id is None:
        flash(_("Votre compte n'est rattaché à aucune organisation."), "warning")
        return redirect(url_for("auth.account"), code=303)
    db = get_db()
    return render("memberships/membership.html", organization=db.get(Organization, current_user.organization_id),
                  memberships=membership_overview(db, current_user.organization_id, paris_today()))


@bp.get("/account/membership/<int:membership_id>/certificate.pdf")
@login_required
def membership_certificate(membership_id: int):
    db = get_db()
    membership = db.get(Membership, membership_id)
    if membership is None or current_user.organization_id is None \
            or membership.organization_id != current_user.organization_id:
        abort(404)  # do not reveal that another organization's membership exists
    try:
        pdf = certificate_pdf(db.get(Cluster, membership.cluster_id), db.get(Organization, membership.organization_id),
                              membership, db.get(MembershipTier, membership.tier_id))
    except Invalid as exc:
        raise Conflict(exc.message) from exc  # the membership exists but is not active: a state, not bad input
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{certificate_number(membership)}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
