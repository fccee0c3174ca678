"""The room kind: a rental priced by a grid of day types, slots and people bands, booked by time blocks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..catalogue.freshness import watch
from ..core.kinds import OfferKind, register_kind
from ..web.i18n import current_language
from .forms import RATES_SECTION, day_type_choices, grid_section
from .models import RoomClosure, RoomHours, RoomPhoto, RoomQuote, RoomRate, RoomSpace
from .rules import SLOTS, room_unit, same_hours_runs
from .services import KIND_CODE, ROOM_SLOTS, check_free, hours_of, rates_of, room_terms, space_of


def read_booking_options(args: Mapping[str, str]) -> tuple[dict, dict]:
    """Date, slot, half (morning or afternoon) and people as typed; what cannot be read is named."""
    options: dict = {key: args[key] for key in ("slot", "half") if args.get(key)}
    errors: dict[str, str] = {}
    if args.get("people"):
        try:
            options["people"] = int(args["people"])
        except ValueError:
            errors["people"] = "people"
    if args.get("date"):
        try:
            options["date"] = date.fromisoformat(args["date"])
        except ValueError:
            errors["date"] = "date"
    return options, errors


def _documents(db, order) -> list:
    from .cancellation import booking_documents

    return booking_documents(db, order)


def _page(db, offer, cluster) -> dict:
    from .photos import photos_of

    lang = current_language()
    names = get_day_names("wide", locale=get_locale())
    hours = [(" – ".join(dict.fromkeys((names[first], names[last]))), opens, closes)
             for first, last, opens, closes in same_hours_runs(hours_of(db, offer.id))]
    return {"rates": rates_of(db, offer.id), "slots": SLOTS, "lang": lang, "day_labels": dict(day_type_choices()),
            "space": space_of(db, offer.id), "opening_hours": hours, "photos": photos_of(db, offer.id)}


def _calendar(db, offer, args, page_context) -> dict:
    from .views import kept_calendar

    return kept_calendar(db, offer, args, page_context["rates"])


def _calendar_ahead(db, offer_id, args) -> None:
    from .views import read_calendar_ahead

    read_calendar_ahead(db, offer_id, args)


ROOM = register_kind(OfferKind(
    KIND_CODE, _l("Location de salle"), "rooms", price_unit=room_unit, load_terms=room_terms,
    check_available=check_free, quote_fields="rooms/_quote_fields.html", read_options=read_booking_options,
    page_context=_page, page_section="rooms/_rate_grid.html", live_context=_calendar,
    live_section="rooms/_kept_calendar.html", live_reads=_calendar_ahead, single_booking=True, from_price=True,
    member_discount_only=True, stock=ROOM_SLOTS, console_section=RATES_SECTION,
    console_context=grid_section, documents=_documents, quote_request="rooms.quote_request"))
# What a room's page, calendar and prices read (grid, space, hours, closures, photos, agreed quotes) is kept with
# the catalogue.
watch(RoomRate, RoomSpace, RoomHours, RoomClosure, RoomPhoto, RoomQuote)
