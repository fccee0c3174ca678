"""Console: each cluster's self-financing (budget, ratios, alarms, actions) and the federation's view."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlmodel import select

from ..auth.permissions import is_platform_admin, require, staff_required, staff_roles
from ..catalogue.models import Offer
from ..clusters.console import cluster_for_staff
from ..clusters.models import Cluster
from ..core.money import round_div
from ..core.timeutil import paris_today
from ..db import get_db, get_owned
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .actions import ActionInput, action_results, add_action, delete_action
from .charts import COLOURS, ratio_chart, resources_chart
from .forms import ActionForm, BudgetForm
from .models import SCENARIOS, Budget, BudgetAction
from .origins import GROUPS, ORIGINS, RESOURCE_GROUPS
from .services import (
    FIRST_YEAR,
    LAST_YEAR,
    budget_for,
    entered_lines,
    federation_rows,
    get_budget,
    history,
    save_budget,
    year_view,
)

bp = Blueprint("finances_console", __name__, url_prefix="/console")


@bp.app_template_filter("ratio")
def ratio_filter(per_mille: int | None) -> str:
    """A ratio kept per mille, as a percentage with one decimal the locale's way (498 -> "49,8 %")."""
    if per_mille is None:
        return "—"
    return f"{format_decimal(Decimal(per_mille) / 10, format='0.0')}\u202f%"


def valid_year(year: int | None = None) -> int:
    """The year of the URL or of ?year= (this year by default); 404 outside the years a budget may have."""
    year = year if year is not None else (request.args.get("year", type=int) or paris_today().year)
    require(FIRST_YEAR <= year <= LAST_YEAR)
    return year


@bp.get("/finances")
@staff_required
def federation():
    """Platform admins: every cluster side by side; staff go to their own cluster's page."""
    if not is_platform_admin():
        mine = get_db().get(Cluster, sorted(staff_roles())[0])
        return redirect(url_for("finances_console.cluster_finances", slug=mine.slug))
    year = valid_year()
    rows = federation_rows(get_db(), year)
    chart = ratio_chart([(row.cluster.name, row.headline.gross_ratio if row.headline else None, False)
                         for row in rows])
    return render("finances/console/federation.html", rows=rows, year=year, chart=chart)


@bp.get("/clusters/<slug>/finances")
@staff_required
def cluster_finances(slug: str):
    """A cluster's year: forecast against actual by origin, ratios and alarms, history, actions."""
    cluster, year = cluster_for_staff(slug), valid_year()
    db = get_db()
    view, points = year_view(db, cluster, year), history(db, cluster)
    return render("finances/console/cluster.html", cluster=cluster, view=view, points=points, year=year,
                  results=action_results(db, view.budget, view.ledger), origins=ORIGINS, groups=GROUPS,
                  resource_groups=RESOURCE_GROUPS, colours=COLOURS, action_form=_action_form(cluster),
                  stacks=resources_chart([(_("Prévu"), view.forecast), (_("Réalisé"), view.actual)]),
                  history_chart=ratio_chart([(str(p.year), p.ratio, p.reconciles is False) for p in points]),
                  today_year=paris_today().year)


def _action_form(cluster: Cluster) -> ActionForm:
    form = ActionForm()
    offers = get_db().exec(select(Offer).where(Offer.cluster_id == cluster.id).order_by(Offer.title_fr)).all()
    form.offer_id.choices = [(None, _("Aucune"))] + [(o.id, o.title_fr) for o in offers]
    return form


@bp.route("/clusters/<slug>/finances/<int:year>/budget", methods=["GET", "POST"])
@staff_required
def edit_budget(slug: str, year: int):
    """The year's published figures and its lines, forecast and actual (cluster administrators)."""
    cluster, year = cluster_for_staff(slug, admin=True), valid_year(year)
    form = BudgetForm() if request.method == "POST" else _filled(get_budget(get_db(), cluster.id, year))
    saved = Submission(form)
    if saved.run(lambda: save_budget(get_db(), cluster, year, form.data_input()), _("Budget enregistré.")):
        return redirect(url_for("finances_console.cluster_finances", slug=slug, year=year), code=303)
    return render("finances/console/budget.html", status=form_status(form), cluster=cluster, year=year, form=form,
                  origins=ORIGINS, groups=GROUPS, scenarios=SCENARIOS)


def _filled(budget: Budget | None) -> BudgetForm:
    """The form showing what is saved."""
    form = BudgetForm()
    if budget is not None:
        for scenario, amounts in entered_lines(get_db(), [budget.id])[budget.id].items():
            for code, cents in amounts.items():
                form.field_for(scenario, code).data = Decimal(cents) / 100
        form.members.data, form.note.data = budget.members, budget.note
        form.hourly_cost.data = Decimal(budget.hourly_cost_cents) / 100
        if budget.declared_ratio_permille is not None:
            form.declared_ratio.data = Decimal(budget.declared_ratio_permille) / 10
    return form


@bp.post("/clusters/<slug>/finances/<int:year>/actions")
@staff_required
def new_action(slug: str, year: int):
    """Follow an action's cost and results (cluster administrators); a refusal is told, nothing is kept."""
    cluster, year = cluster_for_staff(slug, admin=True), valid_year(year)
    form = _action_form(cluster)
    saved = Submission(form)
    if not saved.run(lambda: add_action(get_db(), budget_for(get_db(), cluster, year), _action_input(form)),
                     _("Action ajoutée.")):
        for name, errors in form.errors.items():
            for error in errors:
                flash(f"{form[name].label.text} : {error}" if name in form else error, "error")
        for error in form.form_errors:
            flash(error, "error")
    return redirect(url_for("finances_console.cluster_finances", slug=slug, year=year) + "#actions", code=303)


def _action_input(form: ActionForm) -> ActionInput:
    cap = form.public_cap.bps
    return ActionInput(form.name.data, form.category.data, None if cap is None else round_div(cap, 10),
                       form.offer_id.data, form.staff_hours.hundredths or 0, form.direct_costs.cents or 0,
                       form.subsidy.cents or 0, form.other_revenue.cents or 0, form.price.cents)


@bp.post("/clusters/<slug>/finances/<int:year>/actions/<int:action_id>/delete")
@staff_required
def remove_action(slug: str, year: int, action_id: int):
    cluster, year = cluster_for_staff(slug, admin=True), valid_year(year)
    budget = get_budget(get_db(), cluster.id, year)
    action = get_owned(get_db(), BudgetAction, action_id, _("Action introuvable."), budget_id=budget.id if budget else 0)
    Submission(FlaskForm()).run(lambda: delete_action(get_db(), action), _("Action supprimée."))
    return redirect(url_for("finances_console.cluster_finances", slug=slug, year=year) + "#actions", code=303)
