"""An organization's contact confirms who acts for it (the link emailed by clusters.contacts)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..core.errors import DomainError, Invalid
from ..db import get_db
from ..web.htmx import render
from .contacts import confirm_contact, read_contact_token
from .models import Cluster, Organization

bp = Blueprint("clusters", __name__)


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
