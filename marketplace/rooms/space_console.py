"""Console: a room's planning and how it is run — its calendar with who booked, its settings (size, equipment,
time kept free between bookings, cancellation policy), opening hours, closed days, and the staff's .ics feed."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _

from ..auth.permissions import is_staff, staff_required
from ..catalogue.models import Offer
from ..clusters.console import cluster_for_staff
from ..core.timeutil import paris_today, utcnow
from ..db import get_db, get_owned
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.security import accepts_large_body
from .calendar import availability, feed_token
from .forms import ClosureForm, HoursForm, PhotoForm, ProposalForm, SpaceForm
from .models import RoomQuote
from .photos import PHOTO_MAX_BYTES, add_photo, photos_of, remove_photo
from .quotes import propose, quotes_of
from .rules import WEEKDAYS_FR
from .services import (
    KIND_CODE,
    SpaceInput,
    add_closure,
    closure_rows,
    hours_of,
    remove_closure,
    save_space,
    set_hours,
    space_of,
)
from .views import calendar_context

bp = Blueprint("room_space_console", __name__, url_prefix="/console")


def _room(slug: str, offer_id: int, admin: bool = False):
    cluster = cluster_for_staff(slug, admin=admin)
    return cluster, get_owned(get_db(), Offer, offer_id, _("Salle introuvable."), cluster_id=cluster.id,
                              kind=KIND_CODE)


def _page(cluster, offer, **forms):
    db = get_db()
    space = space_of(db, offer.id)
    forms.setdefault("space_form", SpaceForm(formdata=None, obj=space, cancel_fee=space.cancel_fee_bps / 100))
    hours = hours_of(db, offer.id)
    forms.setdefault("hours_form", HoursForm(formdata=None, hours="\n".join(
        f"{WEEKDAYS_FR[d]} {o:%H:%M}-{c:%H:%M}" for d, (o, c) in sorted(hours.items()))))
    forms.setdefault("closure_form", ClosureForm(formdata=None))
    forms.setdefault("proposal_form", ProposalForm(formdata=None))
    forms.setdefault("photo_form", PhotoForm(formdata=None))
    context = calendar_context(offer, request.args)
    context["calendar"] = availability(db, offer, context["calendar_days"], utcnow(), staff=True)
    feed = url_for("rooms.bookings_feed", offer_id=offer.id, token=feed_token(offer.id), _external=True)
    today = paris_today()
    closures = closure_rows(db, offer.id, today, today + timedelta(days=730))  # the next two years
    return render("rooms/console/space.html", status=form_status(*forms.values()), cluster=cluster, offer=offer,
                  options={}, quotes=quotes_of(db, offer.id), closures=closures, feed=feed,
                  photos=photos_of(db, offer.id), **context, **forms)


@bp.get("/clusters/<slug>/rooms/<int:offer_id>")
@staff_required
def space(slug: str, offer_id: int):
    cluster, offer = _room(slug, offer_id)
    return _page(cluster, offer)


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/settings")
@staff_required
def settings(slug: str, offer_id: int):
    cluster, offer = _room(slug, offer_id)
    form = SpaceForm()
    done = Submission(form).run(lambda: save_space(get_db(), offer, SpaceInput(
        form.capacity.data, form.equipment.data or "", form.buffer_minutes.data, form.cancel_free_days.data,
        form.cancel_fee.bps, form.horizon_days.data)), _("Réglages de la salle enregistrés."))
    return _back(slug, offer, "settings") if done else _page(cluster, offer, space_form=form)


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/hours")
@staff_required
def hours(slug: str, offer_id: int):
    cluster, offer = _room(slug, offer_id)
    form = HoursForm()
    done = Submission(form).run(lambda: set_hours(get_db(), offer, form.parsed), _("Horaires enregistrés."))
    return _back(slug, offer, "hours") if done else _page(cluster, offer, hours_form=form)


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/closures")
@staff_required
def closures(slug: str, offer_id: int):
    cluster, offer = _room(slug, offer_id)
    form = ClosureForm()
    done = Submission(form).run(lambda: add_closure(get_db(), offer, form.day.data, form.reason.data or ""),
                                _("Fermeture enregistrée."))
    return _back(slug, offer, "closures") if done else _page(cluster, offer, closure_form=form)


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/closures/<int:closure_id>/delete")
@staff_required
def closure_delete(slug: str, offer_id: int, closure_id: int):
    _cluster, offer = _room(slug, offer_id)
    remove_closure(get_db(), offer, closure_id)
    get_db().commit()
    return _back(slug, offer, "closures")


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/photos")
@accepts_large_body(PHOTO_MAX_BYTES + 64 * 1024, allowed=is_staff)
@staff_required
def photo_add(slug: str, offer_id: int):
    cluster, offer = _room(slug, offer_id)
    form = PhotoForm()
    done = Submission(form).run(lambda: add_photo(get_db(), offer, form.photo.data.read(), form.caption.data or ""),
                                _("Photo ajoutée."))
    return _back(slug, offer, "photos") if done else _page(cluster, offer, photo_form=form)


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/photos/<int:photo_id>/delete")
@staff_required
def photo_delete(slug: str, offer_id: int, photo_id: int):
    _cluster, offer = _room(slug, offer_id)
    remove_photo(get_db(), offer, photo_id)
    get_db().commit()
    return _back(slug, offer, "photos")


def _back(slug: str, offer, anchor: str):
    return redirect(url_for("room_space_console.space", slug=slug, offer_id=offer.id, _anchor=anchor), code=303)


@bp.post("/clusters/<slug>/rooms/<int:offer_id>/quotes/<int:quote_id>")
@staff_required
def propose_price(slug: str, offer_id: int, quote_id: int):
    """Staff's price for a quote request, emailed to the requester with the link to accept it."""
    cluster, offer = _room(slug, offer_id)
    quote = get_owned(get_db(), RoomQuote, quote_id, _("Devis introuvable."), offer_id=offer.id)
    form = ProposalForm()
    done = Submission(form).run(lambda: propose(get_db(), offer, quote, form.price.cents, form.note.data or ""),
                                _("Proposition envoyée au demandeur."))
    return _back(slug, offer, "quotes") if done else _page(cluster, offer, proposal_form=form)
