"""Console: the audit log, for platform admins (every cluster) and each cluster's administrators (their own)."""

from __future__ import annotations

import json

from flask import Blueprint, request
from sqlalchemy import func
from sqlmodel import col, select

from ..auth.permissions import platform_admin_required, staff_required
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..db import get_db
from ..web.htmx import render
from .models import AuditEntry

bp = Blueprint("audit_console", __name__, url_prefix="/console")
PER_PAGE = 50


@bp.get("/audit")
@platform_admin_required
def federation_audit():
    """Every audited change, newest first; ?cluster= narrows it to one cluster."""
    slug = request.args.get("cluster") or None
    cluster = cluster_for_staff(slug) if slug else None
    return _page(cluster, every_cluster=cluster is None)


@bp.get("/clusters/<slug>/audit")
@staff_required
def cluster_audit(slug: str):
    """The cluster's audited changes, for its administrators."""
    return _page(cluster_for_staff(slug, admin=True), every_cluster=False)


def _page(cluster: Cluster | None, every_cluster: bool):
    db = get_db()
    query = select(AuditEntry)
    if not every_cluster:
        query = query.where(AuditEntry.cluster_id == cluster.id)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    entries = db.exec(query.order_by(col(AuditEntry.id).desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    names = dict(db.exec(select(Cluster.id, Cluster.name)).all())
    return render("audit/console/audit.html", cluster=cluster, entries=entries, names=names, page_number=page, pages=pages,
                  total=total, changes={entry.id: json.loads(entry.changes_json) for entry in entries})
