"""Console: pooled support functions and strategic purchases (the federation sets them up, participants
record usage, the federation closes each month)."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlmodel import col, select

from ..auth.permissions import (
    can_view_cluster_console,
    is_platform_admin,
    platform_admin_required,
    require,
    staff_required,
    staff_roles,
)
from ..clusters.models import Cluster
from ..core.timeutil import paris_today
from ..db import get_db
from ..ledger.rules import is_month, month_before, month_of, next_month, period_bounds
from ..web.forms import Submission, form_status
from ..web.htmx import render
from .forms import ParticipantForm, PoolForm, UsageForm
from .models import PooledCost
from .services import (
    close_month,
    cluster_names,
    create_pool,
    get_pool,
    participants_of,
    pool_month,
    pools_seen_by,
    record_usage,
    set_participant,
)

bp = Blueprint("pools_console", __name__, url_prefix="/console")


@bp.get("/pools")
@staff_required
def pools():
    """Every pooled cost the user may see; the federation adds new ones."""
    return _pools_page(_pool_form(formdata=None))


@bp.post("/pools")
@platform_admin_required
def new_pool():
    form = _pool_form()
    saved = Submission(form)
    if saved.run(lambda: create_pool(get_db(), form.terms()), _("Coût mutualisé créé : ajoutez ses participants.")):
        return redirect(url_for("pools_console.pool", pool_id=saved.value.id), code=303)
    return _pools_page(form)


def _pool_form(**kwargs) -> PoolForm:
    form = PoolForm(**kwargs)
    form.provider.choices = [(0, _("Fournisseur extérieur")), *cluster_names(get_db()).items()]
    return form


def _pools_page(form: PoolForm):
    db = get_db()
    visible = pools_seen_by(db, None if is_platform_admin() else staff_roles())
    return render("pools/console/pools.html", status=form_status(form), pools=visible, form=form,
                  names=dict(form.provider.choices[1:]),  # the clusters, after the outside supplier
                  counts={pool.id: len(participants_of(db, pool.id)) for pool in visible})


@bp.get("/pools/<int:pool_id>")
@staff_required
def pool(pool_id: int):
    """A pooled cost: participants, usage of the month, and the month's allocation (preview or posted)."""
    return _pool_page(_pool_for_user(pool_id))


@bp.post("/pools/<int:pool_id>/participants")
@platform_admin_required
def add_pool_participant(pool_id: int):
    """Add a participant, or change its dates or its fixed percentage."""
    pool = _pool_for_user(pool_id)
    form = _participant_form()

    def save():
        return set_participant(get_db(), pool, form.cluster_id.data, form.joined_on.data, form.left_on.data,
                               form.fixed_percent.bps)

    if Submission(form).run(save, _("Participant enregistré.")):
        return redirect(url_for("pools_console.pool", pool_id=pool.id, period=_period()), code=303)
    return _pool_page(pool, participant_form=form)


@bp.post("/pools/<int:pool_id>/usage")
@staff_required
def record_pool_usage(pool_id: int):
    """Time a participant used the shared function, recorded by its own staff (or the federation)."""
    pool = _pool_for_user(pool_id)
    form = _usage_form(pool)

    def save():
        return record_usage(get_db(), pool, form.cluster_id.data, form.day.data, form.quantity.hundredths,
                            form.note.data or "", current_user.id)

    saved = Submission(form)
    if saved.run(save, _("Usage enregistré.")):
        return redirect(url_for("pools_console.pool", pool_id=pool.id, period=month_of(saved.value.day)), code=303)
    return _pool_page(pool, usage_form=form)


@bp.post("/pools/<int:pool_id>/close")
@platform_admin_required
def close_pool_month(pool_id: int):
    """Allocate the month and post it to the ledger, once."""
    pool, period, form = _pool_for_user(pool_id), _period(), FlaskForm()
    if Submission(form).run(lambda: close_month(get_db(), pool, period, paris_today()),
                            _("Mois %(period)s réparti et comptabilisé.", period=period)):
        return redirect(url_for("pools_console.pool", pool_id=pool.id, period=period), code=303)
    return _pool_page(pool, close_form=form)


def _period() -> str:
    """The month in the query string, the last one by default."""
    default = month_before(paris_today())
    period = request.args.get("period", default)
    return period if is_month(period) else default


def _pool_for_user(pool_id: int) -> PooledCost:
    """The pooled cost, if the user is an admin or staff of its provider or of a participant; 403 otherwise."""
    pool = get_pool(get_db(), pool_id)
    clusters = {p.cluster_id for p in participants_of(get_db(), pool.id)} | {pool.provider_cluster_id}
    require(is_platform_admin() or any(can_view_cluster_console(c) for c in clusters if c))
    return pool


def _participant_form(**kwargs) -> ParticipantForm:
    form = ParticipantForm(prefix="p", **kwargs)
    form.cluster_id.choices = list(cluster_names(get_db()).items())
    return form


def _usage_form(pool: PooledCost, **kwargs) -> UsageForm:
    """The usage form, offering only the participants the user speaks for."""
    form = UsageForm(prefix="u", **kwargs)
    names = cluster_names(get_db())
    mine = [p.cluster_id for p in participants_of(get_db(), pool.id) if can_view_cluster_console(p.cluster_id)]
    form.cluster_id.choices = [(c, names[c]) for c in sorted(mine, key=names.get)]
    return form


def _ledger_cluster(participants) -> str | None:
    """The cluster whose ledger lines staff may see for the pool's entries (platform admins see them all)."""
    if is_platform_admin():
        return None
    mine = staff_roles()
    names = {cluster.id: cluster.slug for cluster in get_db().exec(select(Cluster).where(
        col(Cluster.id).in_([p.cluster_id for p in participants if p.cluster_id in mine])))}
    return next(iter(sorted(names.values())), None)


def _pool_page(pool: PooledCost, participant_form=None, usage_form=None, close_form=None):
    participant_form = participant_form or _participant_form(formdata=None)
    usage_form = usage_form or _usage_form(pool, formdata=None)
    close_form = close_form or FlaskForm(formdata=None)
    month = pool_month(get_db(), pool, _period())
    first, last = period_bounds(month.period)
    previous, following = month_before(first), next_month(month.period)
    latest = min(month_of(paris_today()), month_of(pool.ends_on) if pool.ends_on else month_of(paris_today()))
    participants = participants_of(get_db(), pool.id)
    return render("pools/console/pool.html", status=form_status(participant_form, usage_form, close_form),
                  pool=pool, names=dict(participant_form.cluster_id.choices), month=month,
                  previous=previous if previous >= month_of(pool.starts_on) else None,
                  following=following if following <= latest else None,
                  ledger_cluster=_ledger_cluster(participants),
                  participants=participants, participant_form=participant_form,
                  usage_form=usage_form, close_form=close_form, can_record=bool(usage_form.cluster_id.choices),
                  month_over=last < paris_today())
