"""Console: check-in at the entrance (a phone browser: type or scan a code, admitted once), live counts per
ticket type, and the attendee list as CSV."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import staff_required
from ..clusters.console import cluster_for_staff
from ..db import get_db, get_owned
from ..ledger.console import attachment
from ..ledger.queries import spreadsheet_csv
from ..web.htmx import render
from .forms import ScanForm
from .models import Event
from .tickets import admissions, attendees_of, scan

bp = Blueprint("checkin_console", __name__, url_prefix="/console")


def _event(slug: str, event_id: int):
    cluster = cluster_for_staff(slug)
    return cluster, get_owned(get_db(), Event, event_id, _("Événement introuvable."), cluster_id=cluster.id)


@bp.route("/clusters/<slug>/events/<int:event_id>/checkin", methods=["GET", "POST"])
@staff_required
def checkin(slug: str, event_id: int):
    """GET: the scanning page. POST: one code scanned (htmx answers the result panel alone)."""
    cluster, event = _event(slug, event_id)
    db, form, result = get_db(), ScanForm(), None
    if request.method == "POST" and form.validate_on_submit():
        result = scan(db, event, form.code.data, current_user.id)
        db.commit()
    status = 200 if result is None or result.admitted else 409
    if request.method == "POST" and result is None:
        status = 422
    return render("events/console/checkin.html", "events/console/_scan_result.html", status=status, cluster=cluster,
                  event=event, form=ScanForm(formdata=None), result=result, counts=admissions(db, event.id))


@bp.get("/clusters/<slug>/events/<int:event_id>/checkin/counts")
@staff_required
def checkin_counts(slug: str, event_id: int):
    cluster, event = _event(slug, event_id)
    return render("events/console/_counts.html", cluster=cluster, event=event, counts=admissions(get_db(), event.id))


@bp.get("/clusters/<slug>/events/<int:event_id>/attendees.csv")
@staff_required
def attendees_csv(slug: str, event_id: int):
    _cluster, event = _event(slug, event_id)
    rows = [(ticket.attendee_name, ticket.attendee_email or "", title, ticket.code, ticket.status,
             ticket.checked_in_at.isoformat() if ticket.checked_in_at else "", order.number, order.billing_name)
            for ticket, title, order in attendees_of(get_db(), event.id)]
    header = ["participant", "email", "billet", "code", "statut", "entree", "commande", "acheteur"]
    return attachment(spreadsheet_csv([header, *rows]), "text/csv; charset=utf-8", f"participants-{event.slug}.csv")
