"""Console: the ledger entries behind every figure (a page or a CSV) and each cluster's FEC."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _

from ..auth.permissions import is_platform_admin, require, staff_required
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..core.errors import NotFound
from ..db import get_db
from ..web.downloads import attachment  # noqa: F401  (other consoles import it from here)
from ..web.htmx import render
from .fec import fec_filename, fec_for_cluster
from .queries import MAX_ROWS, EntryFilter, entries, entries_csv
from .rules import is_month
from .services import ACCOUNT_NAMES, FEDERATION_ACCOUNTS, KIND_NAMES

bp = Blueprint("ledger_console", __name__, url_prefix="/console")


def valid_period(period: str) -> str:
    """A month named in a URL (YYYY-MM); 404 otherwise."""
    if not is_month(period):
        abort(404)
    return period


@bp.get("/ledger")
@staff_required
def ledger():
    """Ledger entries behind a figure, as a page or (format=csv) a spreadsheet file."""
    where, cluster = _entry_filter()
    if request.args.get("format") == "csv":
        owner = cluster.slug if cluster else "federation"
        return attachment(entries_csv(entries(get_db(), where, limit=None)), "text/csv; charset=utf-8",
                          f"ecritures-{owner}-{where.period or 'tout'}.csv")
    rows = entries(get_db(), where, limit=MAX_ROWS + 1)
    shown = rows[:MAX_ROWS]
    return render("ledger/console/entries.html", rows=shown, where=where, cluster=cluster,
                  debit=sum(line.debit_cents for line, _a, _t in shown),
                  credit=sum(line.credit_cents for line, _a, _t in shown), kinds=KIND_NAMES,
                  accounts=ACCOUNT_NAMES if cluster else FEDERATION_ACCOUNTS, args=request.args.to_dict(),
                  truncated=len(rows) > MAX_ROWS, max_rows=MAX_ROWS)


def _entry_filter() -> tuple[EntryFilter, Cluster | None]:
    """The filter from the query string; staff see their own clusters' accounts, admins also the federation's."""
    slug = request.args.get("cluster") or None
    cluster = cluster_for_staff(slug) if slug else None
    require(cluster is not None or is_platform_admin())
    period = request.args.get("period") or None
    return EntryFilter(cluster_id=cluster.id if cluster else None, period=period and valid_period(period),
                       kind=request.args.get("kind") or None, code=request.args.get("account") or None,
                       transaction_id=request.args.get("transaction", type=int)), cluster


@bp.get("/clusters/<slug>/fec/<int:year>")
@staff_required
def fec_export(slug: str, year: int):
    """The cluster's FEC for a calendar year (its own accounts in the ledger)."""
    cluster = cluster_for_staff(slug, admin=True)
    if not 2000 <= year <= 2100:
        raise NotFound(_("Exercice inconnu."))
    return attachment(fec_for_cluster(get_db(), cluster, year), "text/plain; charset=iso-8859-15",
                      fec_filename(cluster, year))
