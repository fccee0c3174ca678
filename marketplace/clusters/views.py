"""Public cluster pages and the member's own organization."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import User
from ..db import get_db
from ..web.htmx import render
from .forms import OrganizationForm
from .models import Organization
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
