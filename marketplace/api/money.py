"""Money between clusters through the API: a cluster's monthly statement; usage of a pooled cost."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import can_view_cluster_console
from ..clusters.models import Cluster
from ..clusters.services import get_cluster
from ..core.errors import Forbidden, NotFound
from ..db import get_db
from ..ledger.rules import is_month
from ..pools.models import PooledCost
from ..pools.services import record_usage
from ..settlements.services import statement_for
from . import schemas as s
from .openapi import Param, documented
from .orders import _token_user
from .views import _json, body_of, bp


def _staff_cluster(slug: str) -> Cluster:
    cluster = get_cluster(get_db(), slug)
    if not current_user.is_authenticated or not can_view_cluster_console(cluster.id):
        raise Forbidden(_("Réservé à l'équipe de ce cluster et aux administrateurs de la plateforme."))
    return cluster


@bp.get("/v1/clusters/<slug>/statements/<period>")
@documented("/api/v1/clusters/<slug>/statements/<period>", "GET",
            "A cluster's statement for a month: frozen once the month is closed, running before",
            params=(Param("slug", "cluster slug", {"type": "string", "pattern": r"^[a-z0-9-]+$", "maxLength": 60},
                          location="path"),
                    Param("period", "month, YYYY-MM", {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"},
                          location="path")),
            responses={200: (s.StatementOut, "the statement; its rows explain the change from opening to closing"),
                       403: (None, "staff of the cluster or platform administrators only"),
                       404: (None, "no such cluster or month")})
def get_statement(slug: str, period: str):
    cluster = _staff_cluster(slug)
    if not is_month(period):
        raise NotFound(_("Mois introuvable (AAAA-MM)."))
    settlement, statement = statement_for(get_db(), cluster.id, period)
    rows = [s.StatementRowOut(kind=row["kind"], account=row["code"], label=row["label"], amount_cents=row["cents"],
                              entries_url=url_for("ledger_console.ledger", cluster=cluster.slug, period=period,
                                                  kind=row["kind"], account=row["code"], format="csv",
                                                  _external=True))
            for row in statement.rows]
    return _json(s.StatementOut(cluster=cluster.slug, period=period, closed=settlement is not None,
                                opening_cents=statement.opening_cents, rows=rows,
                                closing_cents=statement.closing_cents,
                                payout_status=settlement.payout_status if settlement else None))


@bp.post("/v1/pools/<int:pool_id>/usage")
@documented("/api/v1/pools/<int:pool_id>/usage", "POST",
            "Record usage of a pooled cost by a participating cluster (before its month is shared out)",
            params=(Param("pool_id", "pooled cost id", {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
                          location="path"),), body=s.UsageIn,
            responses={201: (s.UsageOut, "recorded"), 400: (None, "the body is not JSON"),
                       403: (None, "an API token of the cluster's staff is required"),
                       404: (None, "no such pooled cost or cluster"),
                       409: (None, "that month is already shared out"),
                       422: (None, "a field is invalid or the cluster does not take part that day")})
def create_usage(pool_id: int):
    if _token_user() is None:
        raise Forbidden(_("Il faut un jeton d'API."))
    wanted, failure = body_of(s.UsageIn)
    if failure:
        return failure
    db = get_db()
    pool = db.get(PooledCost, pool_id)
    if pool is None:
        raise NotFound(_("Coût mutualisé introuvable."))
    cluster = _staff_cluster(wanted.cluster)
    usage = record_usage(db, pool, cluster.id, wanted.day, int(wanted.quantity * 100), wanted.note, current_user.id)
    db.commit()
    return _json(s.UsageOut(id=usage.id, pooled_cost_id=pool.id, cluster=cluster.slug, day=usage.day,
                            quantity_centi=usage.quantity_centi), 201)
