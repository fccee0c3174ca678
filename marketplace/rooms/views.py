"""A room's public availability calendar (htmx navigation, week or month), and its bookings as an .ics feed for
staff calendar apps (a signed address, since a calendar app cannot sign in)."""

from __future__ import annotations

import hmac
from datetime import date, datetime, time, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..catalogue.freshness import catalogue_version
from ..catalogue.models import Offer
from ..catalogue.search import get_visible_offer
from ..checkout.cart import add_to_cart
from ..checkout.models import Order, OrderLine
from ..checkout.views import can_see_order, current_cart, current_viewer
from ..core.timeutil import paris_today, utcnow
from ..db import get_db
from ..web.extensions import RATE_LIMITS, limiter
from ..web.forms import Submission, form_status
from ..web.htmx import render
from ..web.i18n import current_language
from . import rules
from .calendar import availability, bookings_ics, days_from, is_feed_token
from .cancellation import cancel_booking, cancel_terms
from .forms import QuoteRequestForm
from .kind import read_booking_options
from .models import RoomPhoto, RoomQuote
from .quotes import answer, booking_options, request_quote
from .services import KIND_CODE, rates_of, shown_bookings

# The number of people a slot picked in the calendar is quoted for until the visitor says (the room's largest
# band when smaller).
DEFAULT_PEOPLE = 20

bp = Blueprint("rooms", __name__)


def _calendar_days(args) -> tuple[str, list[date]]:
    """The view asked by ?start=YYYY-MM-DD&view=week|month (this week by default) and its days."""
    view = "month" if args.get("view") == "month" else "week"
    try:
        start = date.fromisoformat(args.get("start", "")) if args.get("start") else paris_today()
    except ValueError:
        start = paris_today()
    return view, days_from(start, view)


def _default_people(rates) -> int:
    return min(DEFAULT_PEOPLE, max((rate.max_people for rate in rates), default=DEFAULT_PEOPLE))


def calendar_context(offer, args, now: datetime | None = None) -> dict:
    """The calendar asked by the query string, with its neighbours."""
    view, days = _calendar_days(args)
    return dict(calendar=availability(get_db(), offer, days, now or utcnow()), calendar_view=view,
                calendar_days=days, calendar_next=days[-1] + timedelta(days=1),
                calendar_previous=days[0] - timedelta(days=1), calendar_lang=current_language(),
                default_people=_default_people(rates_of(get_db(), offer.id)))


def read_calendar_ahead(db, offer_id: int, args) -> None:
    """The bookings `kept_calendar` shows and its quote checks, read with the catalogue's version."""
    shown_bookings(db, offer_id, _calendar_days(args)[1], read_booking_options(args)[0].get("date"),
                   with_version=True)


def kept_calendar(db, offer, args, rates) -> dict:
    """The public calendar of the offer page, kept per worker under the catalogue's version (grid, hours, space,
    closures) and the bookings of the days shown (read each time, one statement), until its next cell turns past
    or the day changes (the booking horizon moves)."""
    view, days = _calendar_days(args)
    asked = read_booking_options(args)[0]
    options = {key: value for key, value in asked.items() if key == "people"}
    # the quote's day read with the calendar's (the quote asks for it next)
    bookings = shown_bookings(db, offer.id, days, asked.get("date"))
    booked = tuple((day, block) for day in days for block in bookings[day])
    key = ("room-calendar", offer.id, current_language(), days[0], view, options.get("people"), booked)

    def render_it():
        now = utcnow()
        context = calendar_context(offer, args, now)
        starts = [datetime.combine(cell.day, rules.span(cell.choice.blocks)[0], tzinfo=rules.PARIS)
                  for row in context["calendar"] for cell in row]
        midnight = datetime.combine(now.astimezone(rules.PARIS).date() + timedelta(days=1), time(0),
                                    tzinfo=rules.PARIS)
        html = render_template("rooms/_calendar.html", offer=offer, options=options, **context)
        return Markup(html), min([midnight, *(moment for moment in starts if moment > now)])

    html = current_app.extensions["fragments"].kept(key, render_it, catalogue_version(db))
    return dict(calendar_html=html, default_people=_default_people(rates))


@bp.get("/rooms/<int:offer_id>/calendar")
def room_calendar(offer_id: int):
    """The calendar alone (htmx swaps it in place; without JavaScript the offer page carries the same one)."""
    offer, cluster = get_visible_offer(get_db(), offer_id, current_viewer())
    if offer.kind != KIND_CODE:
        abort(404)
    return render("rooms/_calendar.html", offer=offer, cluster=cluster, options={}, **calendar_context(offer,
                                                                                                       request.args))


@bp.get("/rooms/photos/<int:photo_id>.jpg")
def room_photo(photo_id: int):
    """A room's photo (the JPEG the server wrote when staff uploaded it), for any visitor of a published room."""
    db = get_db()
    photo = db.get(RoomPhoto, photo_id)
    offer = db.get(Offer, photo.offer_id) if photo is not None else None
    if offer is None or not offer.is_published:
        abort(404)
    response = make_response(photo.data)
    response.headers.update({"Content-Type": "image/jpeg", "Cache-Control": "public, max-age=3600"})
    return response


@bp.get("/rooms/<int:offer_id>/bookings.ics")
def bookings_feed(offer_id: int):
    offer = get_db().get(Offer, offer_id)
    if offer is None or offer.kind != KIND_CODE or not is_feed_token(offer.id, request.args.get("token", "")):
        abort(404)
    response = make_response(bookings_ics(get_db(), offer, paris_today() - timedelta(days=30), utcnow()))
    response.headers.update({"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, no-store"})
    return response


@bp.route("/rooms/bookings/<int:line_id>/cancel", methods=["GET", "POST"])
def cancel_page(line_id: int):
    """The fee and the refund of cancelling a booking, then the cancellation, for whoever may see the order."""
    db = get_db()
    line = db.get(OrderLine, line_id)
    order = db.get(Order, line.order_id) if line else None
    if order is None or not can_see_order(order):
        abort(404)
    if request.method == "POST":
        cancel_booking(db, order, line, current_user.id if current_user.is_authenticated else None,
                       current_app.config)  # refused (already cancelled, day gone): 409 with the reason
        db.commit()
        flash(_("Réservation annulée ; le remboursement suit par le moyen de paiement utilisé."), "success")
        return redirect(url_for("checkout.order_page", number=order.number, t=request.args.get("t")), code=303)
    return render("rooms/cancel.html", order=order, terms=cancel_terms(db, order, line))


@bp.route("/rooms/<int:offer_id>/quote-request", methods=["GET", "POST"])
@limiter.limit(RATE_LIMITS["checkout"], methods=["POST"])
def quote_request(offer_id: int):
    """Ask for a quote (a group above the room's grid): staff answer a price by email."""
    db = get_db()
    offer, cluster = get_visible_offer(db, offer_id, current_viewer())
    if offer.kind != KIND_CODE:
        abort(404)
    form = QuoteRequestForm(request.form if request.method == "POST" else request.args)
    if request.method == "POST" and Submission(form).run(lambda: request_quote(
            db, offer, form.day.data, form.slot.data, form.half.data or None, form.people.data, form.name.data,
            form.email.data, form.message.data or ""), _("Demande envoyée : l'équipe vous répond par email avec un prix.")):
        return redirect(url_for("shop.offer_page", offer_id=offer.id), code=303)
    return render("rooms/quote_request.html", status=form_status(form), offer=offer, cluster=cluster, form=form)


@bp.route("/rooms/quotes/<int:quote_id>", methods=["GET", "POST"])
def quote_page(quote_id: int):
    """The proposal, for whoever holds the emailed link: accept (the booking goes to the cart) or decline."""
    db = get_db()
    quote = db.get(RoomQuote, quote_id)
    if quote is None or not hmac.compare_digest(request.values.get("t", ""), quote.token):
        abort(404)
    offer = db.get(Offer, quote.offer_id)
    if request.method == "POST":
        accept = request.form.get("answer") == "accept"
        answer(db, quote, accept)
        if accept:
            add_to_cart(db, current_cart(create=True), offer.id, 1, booking_options(quote), current_viewer())
        db.commit()
        if accept:
            flash(_("Devis accepté : la réservation est dans votre panier, au prix convenu."), "success")
            return redirect(url_for("checkout.cart"), code=303)
        flash(_("Devis refusé. Merci de votre réponse."), "info")
        return redirect(url_for("shop.offer_page", offer_id=offer.id), code=303)
    return render("rooms/quote.html", quote=quote, offer=offer)
