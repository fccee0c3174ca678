"""Console: a cluster's renewal run (preview, then confirm once) and its late payers."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..auth.permissions import staff_required
from ..clusters.console import cluster_for_staff
from ..core.timeutil import paris_today, utcnow
from ..db import get_db
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .forms import RenewalForm
from .models import RenewalRun
from .renewals import late_payers, renewal_preview, run_renewals

bp = Blueprint("renewals_console", __name__, url_prefix="/console")


@bp.route("/clusters/<slug>/renewals", methods=["GET", "POST"])
@staff_required
def renewals(slug: str):
    """GET previews the run for a year and an index; POST (an administrator) raises the renewal orders."""
    cluster = cluster_for_staff(slug, admin=request.method == "POST")
    form = RenewalForm(request.form if request.method == "POST" else request.args)
    form.year.data = form.year.data or paris_today().year + 1
    config = current_app.config

    def run():
        return run_renewals(get_db(), cluster, form.year.data, form.index.bps, current_user.id, utcnow(),
                            config["MEMBERSHIP_GRACE_DAYS"], config)

    if request.method == "POST" and Submission(form).run(run, _("Renouvellements lancés : un appel de cotisation "
                                                                 "par adhérent, envoyé par email.")):
        return redirect(url_for("renewals_console.renewals", slug=slug, year=form.year.data), code=303)
    db = get_db()
    done = db.exec(select(RenewalRun).where(RenewalRun.cluster_id == cluster.id,
                                            RenewalRun.year == form.year.data)).first()
    preview = [] if done else renewal_preview(db, cluster, form.year.data, form.index.bps or 0)
    return render("memberships/console/renewals.html", status=form_status(form), cluster=cluster, form=form,
                  preview=preview, run=done, late=late_payers(db, cluster.id, paris_today()),
                  reminder_days=config["MEMBERSHIP_REMINDER_DAYS"])
