"""Console: pooled support functions and strategic purchases (the federation sets them up, participants
record usage, the federation closes each month)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ..auth.permissions import (
    can_view_cluster_console,
    is_platform_admin,
    require,
    staff_required,
    staff_roles,
)
from ..clusters.models import Cluster
from ..core.errors import DomainError, NotFound
from ..core.money import euros_to_cents
from ..db import get_db
from ..ledger.rules import is_month, month_before, month_of, next_month, period_bounds
from ..pools.forms import ParticipantForm, PoolForm, UsageForm
from ..pools.models import PooledCost, PoolParticipant, PoolUsage
from ..pools.services import (
    allocations_of,
    close_month,
    participants_of,
    pools_of_cluster,
    preview_month,
    record_usage,
    set_participant,
)
from ..web.htmx import render
from .views import _form_error, bp


def _period_arg(default: str) -> str:
    period = request.args.get("period", default)
    return period if is_month(period) else default


def _visible_pools() -> list[PooledCost]:
    db = get_db()
    if is_platform_admin():
        return list(db.exec(select(PooledCost).order_by(PooledCost.name)))
    seen: dict[int, PooledCost] = {}
    for cluster_id in staff_roles():
        seen.update({pool.id: pool for pool in pools_of_cluster(db, cluster_id)})
    return sorted(seen.values(), key=lambda pool: pool.name)


def _cluster_names() -> dict[int, str]:
    return {c.id: c.name for c in get_db().exec(select(Cluster).order_by(Cluster.name))}


def _pool_form(names: dict[int, str]) -> PoolForm:
    form = PoolForm()
    form.provider.choices = [(0, _("Fournisseur extérieur"))] + list(names.items())
    return form


@bp.route("/pools", methods=["GET", "POST"])
@staff_required
def pools():
    """Every pooled cost the user may see; the federation adds new ones."""
    db = get_db()
    names = _cluster_names()
    form = _pool_form(names)
    status = 200
    if request.method == "POST":
        require(is_platform_admin())
        if form.validate_on_submit():
            provider = form.provider.data or None
            if provider is None and not form.supplier_name.data:
                form.supplier_name.errors = [_("Nommez le fournisseur extérieur, ou choisissez un cluster.")]
            elif form.ends_on.data and form.ends_on.data < form.starts_on.data:
                form.ends_on.errors = [_("La fin précède le début.")]
            else:
                pool = PooledCost(name=form.name.data, kind=form.kind.data, description=form.description.data or "",
                                  provider_cluster_id=provider,
                                  supplier_name=None if provider else form.supplier_name.data,
                                  monthly_cost_cents=euros_to_cents(form.monthly_cost.data),
                                  sharing_key=form.sharing_key.data, usage_unit=form.usage_unit.data,
                                  starts_on=form.starts_on.data, ends_on=form.ends_on.data)
                db.add(pool)
                db.commit()
                flash(_("Coût mutualisé créé : ajoutez ses participants."), "success")
                return redirect(url_for("admin.pool", pool_id=pool.id), code=303)
        status = 422
    visible = _visible_pools()
    return render("admin/pools.html", status=status, pools=visible, names=names, form=form,
                  counts={pool.id: len(participants_of(db, pool.id)) for pool in visible})


def _pool_for_user(pool_id: int) -> tuple[PooledCost, list[PoolParticipant]]:
    """The pooled cost and its participants, if the user is an admin or staff of its provider or a participant."""
    pool = get_db().get(PooledCost, pool_id)
    if pool is None:
        raise NotFound(_("Coût mutualisé introuvable."))
    participants = participants_of(get_db(), pool.id)
    clusters = {p.cluster_id for p in participants} | {pool.provider_cluster_id}
    require(is_platform_admin() or any(can_view_cluster_console(c) for c in clusters if c))
    return pool, participants


@bp.route("/pools/<int:pool_id>", methods=["GET", "POST"])
@staff_required
def pool(pool_id: int):
    """A pooled cost: participants, usage of the month, and the month's allocation (preview or posted)."""
    db = get_db()
    pool, participants = _pool_for_user(pool_id)
    names = _cluster_names()
    period = _period_arg(month_before(date.today()))
    joined = {p.cluster_id for p in participants}
    participant_form, usage_form = ParticipantForm(prefix="p"), UsageForm(prefix="u")
    participant_form.cluster_id.choices = list(names.items())
    mine = [c for c in joined if is_platform_admin() or can_view_cluster_console(c)]
    usage_form.cluster_id.choices = [(c, names[c]) for c in sorted(mine, key=names.get)]
    status = 200
    action = request.form.get("action")
    if request.method == "POST":
        form = participant_form if action == "participant" else usage_form
        try:
            if action == "participant":
                require(is_platform_admin())
                if participant_form.validate_on_submit():
                    percent = participant_form.fixed_percent.data
                    set_participant(db, pool, participant_form.cluster_id.data, participant_form.joined_on.data,
                                    participant_form.left_on.data,
                                    euros_to_cents(percent) if percent else None)  # percent × 100 = bps
                    db.commit()
                    flash(_("Participant enregistré."), "success")
                    return redirect(url_for("admin.pool", pool_id=pool.id, period=period), code=303)
            elif action == "usage":
                if usage_form.validate_on_submit():
                    require(usage_form.cluster_id.data in mine)
                    record_usage(db, pool, usage_form.cluster_id.data, usage_form.day.data,
                                 euros_to_cents(usage_form.quantity.data), usage_form.note.data or "",
                                 current_user.id)
                    db.commit()
                    flash(_("Usage enregistré."), "success")
                    return redirect(url_for("admin.pool", pool_id=pool.id, period=month_of(usage_form.day.data)),
                                    code=303)
            elif action == "close":
                require(is_platform_admin())
                close_month(db, pool, period, date.today())
                db.commit()
                flash(_("Mois %(period)s réparti et comptabilisé.", period=period), "success")
                return redirect(url_for("admin.pool", pool_id=pool.id, period=period), code=303)
        except DomainError as exc:
            db.rollback()
            if action == "close":
                flash(exc.message, "error")
                return redirect(url_for("admin.pool", pool_id=pool.id, period=period), code=303)
            _form_error(form, exc)
        status = 422
    first, last = period_bounds(period)
    usage = db.exec(select(PoolUsage).where(PoolUsage.pooled_cost_id == pool.id, PoolUsage.day >= first,
                                            PoolUsage.day <= last).order_by(PoolUsage.day, PoolUsage.id)).all()
    allocations = allocations_of(db, pool.id, period)
    preview, problem, cost = [], None, None
    if not allocations:
        try:
            cost, preview = preview_month(db, pool, period)
        except DomainError as exc:
            problem = exc.message
    return render("admin/pool.html", status=status, pool=pool, names=names, period=period,
                  previous=month_before(first), following=next_month(period), participants=participants,
                  usage=usage, allocations=allocations, preview=preview, problem=problem, cost=cost,
                  participant_form=participant_form, usage_form=usage_form, can_record=bool(mine),
                  month_over=last < date.today())
