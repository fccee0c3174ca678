"""Console: the audit log, for platform admins (every cluster) and each cluster's administrators (their own)."""

from __future__ import annotations

import json
from dataclasses import replace

from flask import Blueprint, request
from sqlmodel import col, select

from ..auth.permissions import platform_admin_required, staff_required
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..db import get_db
from ..web.htmx import render
from ..web.tables import TableState
from .models import AuditEntry

bp = Blueprint("audit_console", __name__, url_prefix="/console")
NEWEST_FIRST = (col(AuditEntry.id).desc(),)


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
    table = TableState.from_args(request.args, (), (), "")
    entries, total = table.fetch(db, query, NEWEST_FIRST)
    if table.page > table.pages(total):  # past the last page: the last page
        table = replace(table, page=table.pages(total))
        entries, total = table.fetch(db, query, NEWEST_FIRST)
    names = dict(db.exec(select(Cluster.id, Cluster.name)).all())
    return render("audit/console/audit.html", cluster=cluster, entries=entries, names=names, table=table,
                  pages=table.pages(total), total=total,
                  changes={entry.id: json.loads(entry.changes_json) for entry in entries})
