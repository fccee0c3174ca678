"""Console files of the finances pages: CSV exports of every table, the board's report, the budget import."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import ngettext

from ..auth.permissions import is_staff, platform_admin_required, staff_required
from ..clusters.console import cluster_for_staff
from ..db import get_db
from ..memberships.register import decode_upload
from ..web.downloads import attachment
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.security import accepts_large_body
from .actions import action_results
from .console import bp, valid_year
from .forms import BudgetImportForm
from .importing import export_budget, import_budget
from .origins import BY_CODE, ORIGINS
from .report import actions_csv, annual_report, federation_csv, history_csv
from .services import federation_rows, history, year_view

CSV = "text/csv; charset=utf-8"
MAX_BUDGET_BYTES = 1024 * 1024  # 2 000 lines with room to spare


@bp.get("/finances/<int:year>.csv")
@platform_admin_required
def federation_export(year: int):
    year = valid_year(year)
    return attachment(federation_csv(federation_rows(get_db(), year), year), CSV, f"autofinancement-{year}.csv")


@bp.get("/clusters/<slug>/finances/<int:year>/budget.csv")
@staff_required
def budget_export(slug: str, year: int):
    cluster, year = cluster_for_staff(slug), valid_year(year)
    return attachment(export_budget(get_db(), cluster, year), CSV, f"budget-{cluster.slug}-{year}.csv")


@bp.get("/clusters/<slug>/finances/history.csv")
@staff_required
def history_export(slug: str):
    cluster = cluster_for_staff(slug)
    return attachment(history_csv(history(get_db(), cluster)), CSV, f"autofinancement-{cluster.slug}.csv")


@bp.get("/clusters/<slug>/finances/<int:year>/actions.csv")
@staff_required
def actions_export(slug: str, year: int):
    cluster, year = cluster_for_staff(slug), valid_year(year)
    view = year_view(get_db(), cluster, year)
    return attachment(actions_csv(action_results(get_db(), view.budget, view.ledger)), CSV,
                      f"actions-{cluster.slug}-{year}.csv")


@bp.get("/clusters/<slug>/finances/<int:year>/report.pdf")
@staff_required
def report(slug: str, year: int):
    """The board's annual report: resources by origin, ratios and history, alarms, actions' results."""
    cluster, year = cluster_for_staff(slug), valid_year(year)
    db = get_db()
    view = year_view(db, cluster, year)
    data = annual_report(view, history(db, cluster), action_results(db, view.budget, view.ledger),
                         current_app.config["FEDERATION_NAME"])
    return attachment(data, "application/pdf", f"rapport-financier-{cluster.slug}-{year}.pdf")


@bp.route("/clusters/<slug>/finances/import", methods=["GET", "POST"])
@accepts_large_body(MAX_BUDGET_BYTES, allowed=is_staff)
@staff_required
def import_lines(slug: str):
    """Import budget lines from a file: a simulation shows each change; a line in error stops it all."""
    cluster = cluster_for_staff(slug, admin=request.method == "POST")
    form = BudgetImportForm()
    saved = Submission(form)
    if saved.run(lambda: import_budget(get_db(), cluster, decode_upload(form.file.data.read()), form.dry_run.data),
                 error_field="file") and saved.value.written:
        _told_imported(len(saved.value.lines))
        return redirect(url_for("finances_console.cluster_finances", slug=slug,
                                year=max(line.year for line in saved.value.lines)), code=303)
    report_ = saved.value
    status = 422 if report_ is not None and report_.errors else form_status(form)
    return render("finances/console/import.html", status=status, cluster=cluster, form=form, report=report_,
                  origins=ORIGINS, by_code=BY_CODE)


def _told_imported(count: int) -> None:
    flash(ngettext("Import terminé : %(num)d ligne de budget enregistrée.",
                   "Import terminé : %(num)d lignes de budget enregistrées.", count), "success")
