"""Public cluster pages and the member's own organization."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import User
from ..core.errors import DomainError, Invalid
from ..db import get_db
from ..web.htmx import render
from .contacts import confirm_contact, read_contact_token
from .forms import OrganizationForm
from .models import Cluster, Organization
from .services import memberships_of, update_organization

bp = Blueprint("clusters", __name__)


@bp.route("/account/organization", methods=["GET", "POST"])
@login_required
def my_organization():
    db = get_db()
    user = db.get(User, current_user.id)
    if user.organization_id is None:
        flash(_("Votre compte n'est rattaché à aucune organisation."), "warning")
        return redirect(url_for("auth.account"), code=303)
    organization = db.get(Organization, user.organization_id)
    form = OrganizationForm(obj=organization)
    if form.validate_on_submit():
        update_organization(db, organization, form)
        db.commit()
        flash(_("Organisation enregistrée."), "success")
        return redirect(url_for("clusters.my_organization"), code=303)
    return render("clusters/organization.html", status=422 if form.errors else 200, form=form,
                  organization=organization, memberships=memberships_of(db, organization.id))


@bp.route("/organizations/contact/<token>", methods=["GET", "POST"])
def confirm_contact_page(token: str):
    """An organization's contact (or an account's owner) confirms who acts for the organization."""
    db = get_db()
    try:
        proposal = read_contact_token(token)
        organization = db.get(Organization, proposal.organization_id)
        cluster = db.get(Cluster, proposal.cluster_id)
        if request.method == "POST":
            confirm_contact(db, token)
            db.commit()
            flash(_("C'est confirmé : %(email)s agit désormais pour %(organization)s.", email=proposal.email,
                    organization=organization.name), "success")
            return redirect(url_for("shop.home"), code=303)
    except DomainError as exc:
        db.rollback()
        # A bad or expired link answers 400, like a bad password reset link.
        return render("clusters/confirm_contact.html", status=400 if isinstance(exc, Invalid) else exc.status,
                      problem=exc.message)
    return render("clusters/confirm_contact.html", proposal=proposal, organization=organization, cluster=cluster)
