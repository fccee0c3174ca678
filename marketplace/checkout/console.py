"""Console: a cluster's orders, and the review of sponsorships held for approval."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import staff_required
from ..clusters.console import cluster_for_staff
from ..core.errors import Invalid
from ..core.timeutil import utcnow
from ..db import get_db
from ..web.downloads import attachment
from ..web.htmx import render
from . import review
from .order_table import ORDER_SORT_LABELS, order_table, orders_csv, orders_of_cluster
from .orders import ORDER_STATUS_LABELS

bp = Blueprint("checkout_console", __name__, url_prefix="/console")


@bp.get("/clusters/<slug>/orders")
@staff_required
def cluster_orders(slug: str):
    """Orders with lines the cluster issued, with its share of each: searched, filtered, sorted, paged (htmx swaps
    the table); ?format=csv gives every order that matches as a spreadsheet."""
    cluster, table = cluster_for_staff(slug), order_table(request.args)
    if request.args.get("format") == "csv":
        rows, _total = orders_of_cluster(get_db(), cluster.id, table, paged=False)
        return attachment(orders_csv(rows), "text/csv; charset=utf-8", f"commandes-{cluster.slug}.csv")
    rows, total = orders_of_cluster(get_db(), cluster.id, table)
    return render("checkout/console/orders.html", "checkout/console/_orders_table.html", cluster=cluster,
                  orders=rows, total=total, table=table, pages=table.pages(total),
                  statuses=ORDER_STATUS_LABELS, sorts=ORDER_SORT_LABELS)


@bp.post("/clusters/<slug>/orders/<int:order_id>/approve")
@staff_required
def approve_order(slug: str, order_id: int):
    """A sponsorship held for review may go on to payment."""
    config = current_app.config
    return _review(slug, order_id, lambda db, order: review.approve_order(db, order, utcnow(), config,
                                                                           *_reason()),
                   _("Commande validée : l'acheteur peut la régler."), "success")


@bp.post("/clusters/<slug>/orders/<int:order_id>/reject")
@staff_required
def reject_order(slug: str, order_id: int):
    """A sponsorship refused: cancelled, its places back on sale."""
    return _review(slug, order_id, lambda db, order: review.reject_order(db, order, utcnow(), *_reason()),
                   _("Commande refusée et annulée ; ses places sont remises en vente."), "info")


def _reason() -> tuple[str, str]:
    return request.form.get("reason", "")[:900], current_user.full_name or current_user.email


def _review(slug: str, order_id: int, decide, told: str, category: str):
    """Apply a review decision to one of the cluster's orders; a decision the order's status forbids is a 409,
    one without its reason is refused (nothing changes)."""
    cluster = cluster_for_staff(slug)
    try:
        decide(get_db(), review.cluster_order(get_db(), cluster.id, order_id))
    except Invalid as exc:
        get_db().rollback()
        flash(exc.message, "error")
        return redirect(url_for("checkout_console.cluster_orders", slug=cluster.slug), code=303)
    get_db().commit()
    flash(told, category)
    return redirect(url_for("checkout_console.cluster_orders", slug=cluster.slug), code=303)
