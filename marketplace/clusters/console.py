"""Console: a cluster's profile, its partnerships and its staff; `cluster_for_staff` guards every cluster page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from ..auth.permissions import (
    can_administer_cluster,
    can_view_cluster_console,
    platform_admin_required,
    require,
    staff_required,
)
from ..db import get_db
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .forms import ClusterForm, PartnershipForm, StaffForm
from .models import Cluster
from .services import add_staff, get_cluster, partnerships_of, save_cluster, save_partnership, staff_of

bp = Blueprint("clusters_console", __name__, url_prefix="/console")


def cluster_for_staff(slug: str, *, admin: bool = False) -> Cluster:
    """The cluster named in the URL, if the current user may see it (or administer it); 403 otherwise."""
    cluster = get_cluster(get_db(), slug)
    require(can_administer_cluster(cluster.id) if admin else can_view_cluster_console(cluster.id))
    return cluster


@bp.route("/clusters/new", methods=["GET", "POST"])
@platform_admin_required
def new_cluster():
    form = ClusterForm()
    saved = Submission(form)
    if saved.run(lambda: save_cluster(get_db(), Cluster(), form.profile()), _("Cluster créé.")):
        return redirect(url_for("admin.cluster_home", slug=saved.value.slug), code=303)
    return render("clusters/console/profile.html", status=form_status(form), form=form, cluster=None)


@bp.route("/clusters/<slug>/edit", methods=["GET", "POST"])
@staff_required
def edit_cluster(slug: str):
    cluster = cluster_for_staff(slug, admin=True)
    form = ClusterForm(obj=cluster)
    if Submission(form).run(lambda: save_cluster(get_db(), cluster, form.profile()),
                            _("Profil du cluster enregistré.")):
        return redirect(url_for("admin.cluster_home", slug=cluster.slug), code=303)
    return render("clusters/console/profile.html", status=form_status(form), form=form, cluster=cluster)


@bp.route("/clusters/<slug>/partnerships", methods=["GET", "POST"])
@staff_required
def partnerships(slug: str):
    cluster = cluster_for_staff(slug, admin=request.method == "POST")  # every staff member sees them
    form = PartnershipForm()
    form.partner_id.choices = [(c.id, c.name) for c in get_db().exec(
        select(Cluster).where(Cluster.id != cluster.id).order_by(Cluster.name)).all()]

    def save():
        return save_partnership(get_db(), cluster, form.partner_id.data, form.reciprocity_percent.bps,
                                form.own_share_percent.bps, form.note.data or "")

    if Submission(form).run(save, _("Partenariat enregistré.")):
        return redirect(url_for("clusters_console.partnerships", slug=slug), code=303)
    return render("clusters/console/partnerships.html", status=form_status(form), cluster=cluster, form=form,
                  partners=partnerships_of(get_db(), cluster.id))


@bp.route("/clusters/<slug>/staff", methods=["GET", "POST"])
@staff_required
def staff(slug: str):
    cluster = cluster_for_staff(slug, admin=request.method == "POST")
    form = StaffForm()
    saved = Submission(form)
    if saved.run(lambda: add_staff(get_db(), cluster, form.email.data, form.full_name.data or "", form.role.data)):
        flash(_("%(email)s fait partie de l'équipe.", email=saved.value.email), "success")
        return redirect(url_for("clusters_console.staff", slug=slug), code=303)
    return render("clusters/console/staff.html", status=form_status(form), cluster=cluster, form=form,
                  members=staff_of(get_db(), cluster.id))
