"""The console's home: the clusters a staff member may see, and each cluster's dashboard.

Every other console page lives in its feature (`<feature>/console.py`); the navigation between them is
templates/admin/_nav.html.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint

from ..auth.permissions import is_platform_admin, staff_required, staff_roles
from ..clusters.console import cluster_for_staff
from ..clusters.services import partnerships_of
from ..db import get_db
from ..memberships.services import fee_grid, list_clusters_with_counts, members_of
from ..web.htmx import render

bp = Blueprint("admin", __name__, url_prefix="/console")


@bp.get("/")
@staff_required
def dashboard():
    clusters = list_clusters_with_counts(get_db(), year=date.today().year)
    if not is_platform_admin():
        mine = staff_roles()
        clusters = [row for row in clusters if row.cluster.id in mine]
    return render("admin/dashboard.html", clusters=clusters)


@bp.get("/clusters/<slug>/")
@staff_required
def cluster_home(slug: str):
    db = get_db()
    cluster = cluster_for_staff(slug)
    year = date.today().year
    rows = members_of(db, cluster.id, year)
    return render("admin/cluster_home.html", cluster=cluster, year=year,
                  active=sum(1 for m, _o, _t in rows if m.status == "active"),
                  pending=sum(1 for m, _o, _t in rows if m.status == "pending"),
                  fees_cents=sum(m.fee_cents for m, _o, _t in rows if m.status == "active"),
                  tiers=fee_grid(db, cluster.id), partners=partnerships_of(db, cluster.id))
