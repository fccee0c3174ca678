"""The member's own organization: its details, which its contacts keep up to date, and its memberships."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..clusters.forms import OrganizationForm
from ..clusters.models import Organization
from ..clusters.services import update_organization
from ..db import get_db
from ..web.forms import Submission, form_status
from ..web.htmx import render
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
