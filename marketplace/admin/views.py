"""The console's home: the clusters a staff member may see, and each cluster's dashboard.

Every other console page lives in its feature (`<feature>/console.py`); the navigation between them is
templates/admin/_nav.html.
"""

from __future__ import annotations

from flask import Blueprint, request

from ..auth.permissions import is_platform_admin, staff_required, staff_roles
from ..clusters.console import cluster_for_staff
from ..clusters.services import partnerships_of
from ..core.timeutil import paris_today
from ..db import get_db
from ..memberships.register import membership_figures
from ..memberships.services import fee_grid, list_clusters_with_counts
from ..web.htmx import render

bp = Blueprint("admin", __name__, url_prefix="/console")


@bp.get("/")
@staff_required
def dashboard():
    clusters = list_clusters_with_counts(get_db(), year=paris_today().year)
    if not is_platform_admin():
        mine = staff_roles()
        clusters = [row for row in clusters if row.cluster.id in mine]
    return render("admin/dashboard.html", clusters=clusters)


@bp.get("/clusters/<slug>/")
@staff_required
def cluster_home(slug: str):
    db = get_db()
    cluster = cluster_for_staff(slug)
    today = paris_today().year
    year = request.args.get("year", type=int) or today
    year = year if 2000 <= year <= today + 1 else today  # this year's members by default, or next year's renewals
    return render("admin/cluster_home.html", cluster=cluster, year=year, this_year=today,
                  figures=membership_figures(db, cluster.id, year),
                  tiers=fee_grid(db, cluster.id), partners=partnerships_of(db, cluster.id))
