"""Console: a cluster's member register as a spreadsheet (import a CSV file, simulated first; export)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from ..auth.permissions import is_staff, staff_required
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..db import get_db
from ..ledger.console import attachment
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.security import accepts_large_body
from .register import ImportReport, decode_upload, export_members, import_members
from .services import member_table

bp = Blueprint("memberships_register", __name__, url_prefix="/console")

MAX_REGISTER_BYTES = 4 * 1024 * 1024  # 5 000 lines of a register, with room to spare


class RegisterImportForm(FlaskForm):
    file = FileField(_l("Fichier CSV des adhérents"), validators=[
        FileRequired(_l("Choisissez un fichier.")),
        FileAllowed(["csv", "txt"], _l("Un fichier .csv (séparateur ; ou ,) enregistré en UTF-8."))])
    dry_run = BooleanField(_l("Simulation seulement"), default=True)


@bp.route("/clusters/<slug>/members/import", methods=["GET", "POST"])
@accepts_large_body(MAX_REGISTER_BYTES, allowed=is_staff)
@staff_required
def import_register(slug: str):
    """Import members from a file: a simulation lists what would be created; a line in error stops it all."""
    cluster = cluster_for_staff(slug, admin=request.method == "POST")  # every staff member sees the page
    form = RegisterImportForm()
    saved = Submission(form)
    if saved.run(lambda: _import(cluster, form), error_field="file") and saved.value.written:
        done = saved.value
        flash(" ".join((_("Import terminé :"),
                        ngettext("%(num)d adhésion enregistrée,", "%(num)d adhésions enregistrées,", done.memberships),
                        ngettext("%(num)d organisation créée,", "%(num)d organisations créées,",
                                 done.created_organizations),
                        ngettext("%(num)d déjà connue et laissée telle quelle.",
                                 "%(num)d déjà connues et laissées telles quelles.", done.existing_organizations))),
              "success")
        return redirect(url_for("memberships_console.members", slug=slug), code=303)
    report: ImportReport | None = saved.value
    status = 422 if report is not None and report.errors else form_status(form)
    return render("memberships/console/import.html", status=status, cluster=cluster, form=form, report=report)


def _import(cluster: Cluster, form: RegisterImportForm) -> ImportReport:
    text = decode_upload(form.file.data.read())  # at most MAX_REGISTER_BYTES: larger requests answer 413
    return import_members(get_db(), cluster, text, dry_run=form.dry_run.data)


@bp.get("/clusters/<slug>/members/export.csv")
@staff_required
def export_register(slug: str):
    """The members (of ?year=, or every year) as a CSV file that Excel opens and the import reads back."""
    cluster = cluster_for_staff(slug)
    year = request.args.get("year", type=int)
    text = export_members(get_db(), cluster, year, member_table(request.args))
    name = f"adherents-{cluster.slug}-{year}.csv" if year else f"adherents-{cluster.slug}.csv"
    return attachment(("\ufeff" + text).encode("utf-8"), "text/csv; charset=utf-8", name)
