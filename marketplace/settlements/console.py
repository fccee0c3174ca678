"""Console: monthly settlements (the federation closes a month and pays) and each cluster's statements."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import DataRequired

from ..auth.permissions import (
    is_platform_admin,
    platform_admin_required,
    require,
    staff_required,
    staff_roles,
)
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..core.timeutil import paris_today
from ..db import get_db
from ..ledger.console import attachment, valid_period
from ..ledger.rules import month_of
from ..ledger.services import ACCOUNT_NAMES, KIND_NAMES
from ..web.forms import Submission
from ..web.htmx import render
from ..web.i18n import month
from .documents import statement_csv, statement_pdf
from .payouts import cancel_payout_file, confirm_payout_file, pay_by_stripe, sepa_payout_file
from .services import (
    CloseResult,
    close_and_notify,
    clusters_by_id,
    first_open_period,
    get_payout_file,
    get_settlement,
    last_closed,
    payout_files,
    period_summary_csv,
    running_statement,
    settlements_by_period,
    settlements_of,
    statement_for,
)

bp = Blueprint("settlements_console", __name__, url_prefix="/console")


@bp.get("/settlements")
@staff_required
def settlements():
    """The federation's view: the next month to close, and every closed month's settlements and payouts."""
    if not is_platform_admin():
        return redirect(url_for("settlements_console.cluster_settlements", slug=_first_own_cluster().slug))
    db = get_db()
    return render("settlements/console/settlements.html", by_period=settlements_by_period(db),
                  clusters=clusters_by_id(db),
                  files=payout_files(db), next_period=first_open_period(db), closed_through=last_closed(db),
                  today_period=month_of(paris_today()), today=paris_today())


def _first_own_cluster() -> Cluster:
    """The first cluster the staff member works for (their settlements page stands for the federation's)."""
    mine = sorted(staff_roles())
    cluster = get_db().get(Cluster, mine[0]) if mine else None
    require(cluster is not None)
    return cluster


@bp.post("/settlements/close")
@platform_admin_required
def close_settlement_period():
    """Close a month for every cluster, once; each cluster's administrators are told their statement is ready."""
    period = valid_period(request.form.get("period", ""))
    return _act(lambda: close_and_notify(get_db(), period, paris_today(), _statement_link), _told_closed)


def _statement_link(cluster: Cluster, period: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("settlements_console.statement", slug=cluster.slug,
                                                                 period=period)


def _told_closed(result: CloseResult) -> list[tuple[str, str]]:
    if result.already_closed:
        told = [(_("%(period)s était déjà clôturé : rien n'a changé.", period=month(result.period).capitalize()), "info")]
    else:
        told = [(ngettext("%(period)s clôturé : %(num)d relevé.", "%(period)s clôturé : %(num)d relevés.",
                          len(result.settlements), period=month(result.period).capitalize()), "success")]
    return told + [(_("Non réparti (comptera dans le mois suivant une fois réparti) : %(problem)s",
                      problem=problem), "error") for problem in result.pools_left]


@bp.post("/settlements/<period>/sepa")
@platform_admin_required
def sepa_payouts(period: str):
    """One SEPA credit transfer file for the month's pending payouts."""
    period = valid_period(period)
    return _act(lambda: sepa_payout_file(get_db(), current_app.config, period, paris_today(), current_user.id),
                lambda record: [(ngettext("Fichier %(id)s préparé : %(num)d virement. Envoyez-le à la banque, puis "
                                          "confirmez son exécution : le règlement sera alors marqué payé.",
                                          "Fichier %(id)s préparé : %(num)d virements. Envoyez-le à la banque, "
                                          "puis confirmez son exécution : les règlements seront alors marqués payés.",
                                          record.count, id=record.message_id), "success")])


@bp.post("/payout-files/<int:file_id>/executed")
@platform_admin_required
def confirm_payout(file_id: int):
    """The treasurer saw the bank execute the file: its settlements are paid, on the day of execution."""
    record, form = get_payout_file(get_db(), file_id), ExecutionForm()
    return _act(lambda: confirm_payout_file(get_db(), record, form.executed_on.data, paris_today(), current_user.id),
                lambda paid: [(ngettext("%(file)s exécuté : %(num)d règlement payé.",
                                        "%(file)s exécuté : %(num)d règlements payés.", len(paid),
                                        file=record.message_id), "success")], form)


@bp.post("/payout-files/<int:file_id>/cancel")
@platform_admin_required
def cancel_payout(file_id: int):
    """The file was not sent or the bank rejected it: its settlements wait for a new file."""
    record = get_payout_file(get_db(), file_id)
    return _act(lambda: cancel_payout_file(get_db(), record, current_user.id),
                lambda back: [(ngettext("%(file)s annulé : %(num)d règlement à payer de nouveau.",
                                        "%(file)s annulé : %(num)d règlements à payer de nouveau.", back,
                                        file=record.message_id), "success")])


@bp.post("/settlements/pay/<int:settlement_id>")
@platform_admin_required
def stripe_payout(settlement_id: int):
    """One Stripe transfer of a settlement to the cluster's connected account."""
    settlement = get_settlement(get_db(), settlement_id)
    return _act(lambda: pay_by_stripe(get_db(), current_app.config, settlement, paris_today()),
                lambda _settlement: [(_("Virement Stripe envoyé."), "success")])


class ExecutionForm(FlaskForm):
    executed_on = DateField(_l("Date d'exécution par la banque"), validators=[DataRequired()])


def _act(action, told, form: FlaskForm | None = None):
    """Run a step of the settlements page: committed and told on success; on a refusal nothing is kept and the
    reason shown. Back to the page either way."""
    form = form or FlaskForm()
    saved = Submission(form)
    if saved.run(action):
        for message, category in told(saved.value):
            flash(message, category)
    for message in [*form.form_errors, *(error for name, errors in form.errors.items() if name not in (None, "csrf_token")
                                         for error in errors)]:
        flash(message, "error")
    return redirect(url_for("settlements_console.settlements"), code=303)


@bp.get("/settlements/<period>.csv")
@platform_admin_required
def settlements_csv(period: str):
    """Every cluster's settlement of a month, for the treasurer's spreadsheet."""
    return attachment(period_summary_csv(get_db(), valid_period(period)), "text/csv; charset=utf-8",
                      f"reglements-{period}.csv")


@bp.get("/payout-files/<int:file_id>.xml")
@platform_admin_required
def payout_file(file_id: int):
    record = get_payout_file(get_db(), file_id)
    return attachment(record.xml.encode(), "application/xml", f"{record.message_id}.xml")


@bp.get("/clusters/<slug>/settlements")
@staff_required
def cluster_settlements(slug: str):
    """A cluster's running month and its closed months."""
    cluster = cluster_for_staff(slug)
    current = running_statement(get_db(), cluster.id, paris_today())
    return render("settlements/console/cluster_settlements.html", cluster=cluster, current=current,
                  settlements=settlements_of(get_db(), cluster.id), open_period=current.period)


@bp.get("/clusters/<slug>/settlements/<period>")
@staff_required
def statement(slug: str, period: str):
    cluster, settlement, figures = _statement(slug, period)
    return render("settlements/console/statement.html", cluster=cluster, settlement=settlement, statement=figures,
                  kinds=KIND_NAMES, accounts=ACCOUNT_NAMES)


@bp.get("/clusters/<slug>/settlements/<period>.pdf")
@staff_required
def statement_as_pdf(slug: str, period: str):
    cluster, settlement, figures = _statement(slug, period)
    data = statement_pdf(cluster, figures, current_app.config["FEDERATION_NAME"], settlement is not None)
    return attachment(data, "application/pdf", f"releve-{cluster.slug}-{period}.pdf")


@bp.get("/clusters/<slug>/settlements/<period>.csv")
@staff_required
def statement_as_csv(slug: str, period: str):
    cluster, _settlement, figures = _statement(slug, period)
    return attachment(statement_csv(cluster, figures), "text/csv; charset=utf-8",
                      f"releve-{cluster.slug}-{period}.csv")


def _statement(slug: str, period: str):
    """The cluster, its settlement of the month (None while open) and the month's statement."""
    cluster = cluster_for_staff(slug)
    settlement, figures = statement_for(get_db(), cluster.id, valid_period(period))
    return cluster, settlement, figures
