"""Console: an event's exhibitors and sponsors (stand numbers, the list as CSV, invitations a package gives),
its invitation codes, and the organiser's view of its sales."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _

from ..auth.permissions import staff_required
from ..catalogue.models import Offer
from ..clusters.console import cluster_for_staff
from ..db import get_db, get_owned
from ..ledger.console import attachment
from ..ledger.queries import spreadsheet_csv
from ..web.forms import Submission
from ..web.htmx import render
from .forms import InvitationForm, PackageForm, StandForm
from .invitations import create_invitation
from .models import Event, SponsorPackage
from .profiles import partners_of, set_stand_number
from .sales import event_sales
from .services import offers_of
from .stock import TICKET_KIND

bp = Blueprint("event_partners_console", __name__, url_prefix="/console")


def _event(slug: str, event_id: int):
    cluster = cluster_for_staff(slug)
    return cluster, get_owned(get_db(), Event, event_id, _("Événement introuvable."), cluster_id=cluster.id)


def _back(slug: str, event: Event, anchor: str):
    return redirect(url_for("events_console.edit_event", slug=slug, event_id=event.id, _anchor=anchor), code=303)


@bp.post("/clusters/<slug>/events/<int:event_id>/profiles/<int:profile_id>/stand")
@staff_required
def stand_number(slug: str, event_id: int, profile_id: int):
    _cluster, event = _event(slug, event_id)
    form = StandForm()
    Submission(form).run(lambda: set_stand_number(get_db(), event, profile_id, form.stand_number.data or ""),
                         _("Numéro de stand enregistré."))
    return _back(slug, event, "partners")


@bp.get("/clusters/<slug>/events/<int:event_id>/exhibitors.csv")
@staff_required
def exhibitors_csv(slug: str, event_id: int):
    _cluster, event = _event(slug, event_id)
    rows = [(profile.role, profile.company, offer.title_fr, profile.stand_number, profile.contact_email,
             profile.website) for profile, offer in partners_of(get_db(), event.id)]
    header = ["role", "societe", "offre", "stand", "contact", "site"]
    return attachment(spreadsheet_csv([header, *rows]), "text/csv; charset=utf-8", f"exposants-{event.slug}.csv")


@bp.post("/clusters/<slug>/events/<int:event_id>/invitations")
@staff_required
def invitation_codes(slug: str, event_id: int):
    _cluster, event = _event(slug, event_id)
    form = InvitationForm()
    form.offer_id.choices = [(o.id, o.title_fr) for o in offers_of(get_db(), event.id, TICKET_KIND)]
    if not Submission(form).run(lambda: create_invitation(get_db(), event, form.offer_id.data, form.label.data or "",
                                                          form.max_uses.data, form.code.data or None),
                                _("Code d'invitation créé.")):
        flash(" ".join([*form.form_errors, *(e for errors in form.errors.values() for e in errors)]), "error")
    return _back(slug, event, "invitations")


@bp.post("/clusters/<slug>/events/<int:event_id>/packages/<int:offer_id>")
@staff_required
def package(slug: str, event_id: int, offer_id: int):
    """How many invitations and stands a sponsorship package gives (when it is paid)."""
    _cluster, event = _event(slug, event_id)
    offer = get_owned(get_db(), Offer, offer_id, _("Offre introuvable."), event_id=event.id)
    form = PackageForm()

    def save():
        row = get_db().get(SponsorPackage, offer.id) or SponsorPackage(offer_id=offer.id)
        row.invitations, row.stands = form.invitations.data, form.stands.data or 0
        get_db().add(row)

    Submission(form).run(save, _("Invitations du parrainage enregistrées."))
    return _back(slug, event, "offers")


@bp.get("/clusters/<slug>/events/<int:event_id>/sales")
@staff_required
def sales(slug: str, event_id: int):
    """The organiser's view: sales by ticket type over time, fill rate, revenue per organising cluster."""
    cluster, event = _event(slug, event_id)
    return render("events/console/sales.html", cluster=cluster, event=event, sales=event_sales(get_db(), event))
