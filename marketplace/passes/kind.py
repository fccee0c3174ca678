"""The coworking kind: a single pass for a date takes a desk of that date; a book of tickets (a variant of
several units) takes none when bought and is used later, a ticket at a time, until it expires."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..catalogue.models import OfferVariant
from ..catalogue.stock import DAILY
from ..catalogue.units import offer_unit
from ..core.errors import PricingError, missing_option
from ..core.kinds import OfferKind, Unit, register_kind
from ..core.timeutil import paris_today
from .services import books_paid, void_books

PARIS = ZoneInfo("Europe/Paris")
KIND_CODE = "coworking"


def read_pass(args: Mapping[str, str]) -> tuple[dict, dict]:
    """The pass or book chosen and the day of the visit, today unless another is given (a book ignores it)."""
    options, errors = ({"variant": args["variant"]} if args.get("variant") else {}), {}
    try:
        options["date"] = date.fromisoformat(args["date"]) if args.get("date") else paris_today()
    except ValueError:
        errors["date"] = "date"
    return options, errors


def pass_unit(terms, options: Mapping[str, Any], buyer, at: datetime, quantity: int = 1) -> Unit:
    """The pass or book chosen; a single pass needs the date of the visit, today or later."""
    unit = offer_unit(terms, options)
    if unit.units > 1:
        return unit
    day = options.get("date")
    if not isinstance(day, date):
        raise missing_option("date", "Choisissez le jour de votre venue.", "Choose the day of your visit.")
    if day < at.astimezone(PARIS).date():
        raise PricingError("past", f"Le {day:%d/%m/%Y} est passé : choisissez un jour à venir.",
                           f"{day:%Y-%m-%d} is past: choose a day to come.", "date")
    when = f"{day:%Y-%m-%d}" if terms.language == "en" else f"{day:%d/%m/%Y}"
    return Unit(f"{unit.description}, {when}", unit.list_cents, unit.member_cents, unit.units,
                unit.is_base_price)


def check_pass_left(db: Session, offer, options: Mapping[str, Any], quantity: int, buyer=None) -> None:
    """Say at once when the desks of that day are taken (checkout holds them for good); a book takes none."""
    variant = db.exec(select(OfferVariant.units).where(OfferVariant.offer_id == offer.id,
                                                       OfferVariant.code == options.get("variant"))).first()
    if variant is not None and variant > 1:
        return
    left = DAILY.available(db, offer, options)
    if left is not None and left < quantity:
        day = options["date"]
        places = "place disponible" if left <= 1 else "places disponibles"
        raise PricingError("sold_out", f"Complet le {day:%d/%m/%Y} : {left} {places}.",
                           f"Full on {day:%Y-%m-%d}: {left} desk{'' if left == 1 else 's'} left.", "date")


COWORKING = register_kind(OfferKind(
    KIND_CODE, _l("Coworking"), "passes", price_unit=pass_unit, check_available=check_pass_left,
    quote_fields="catalogue/_pass_fields.html", read_options=read_pass, stock=DAILY,
    on_paid=books_paid, on_cancelled=void_books))
