"""The catalogue's own kinds of offer: plain services and actions, patronage, and coworking passes (desks
of a day). Event tickets, stands and sponsorships are the events package's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..core.errors import PricingError, missing_option
from ..core.kinds import OfferKind, Unit, register_kind
from ..core.timeutil import paris_today
from .models import OfferVariant
from .stock import DAILY
from .units import offer_unit

PARIS = ZoneInfo("Europe/Paris")


# Coworking: a pass is for one day (or half day) and takes a desk of that day; a book of tickets
# (a variant of several units) is used later, on any day, and takes no desk when bought.


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
        raise PricingError("sold_out", f"Complet le {day:%d/%m/%Y} : {left} place(s) disponible(s).",
                           f"Full on {day:%Y-%m-%d}: {left} desk(s) left.", "date")


SERVICE = register_kind(OfferKind("service", _l("Service"), "catalogue", tags=frozenset({"success_fee"})))
COLLECTIVE_ACTION = register_kind(OfferKind("collective_action", _l("Action collective"), "catalogue"))
PATRONAGE = register_kind(OfferKind("patronage", _l("Mécénat"), "catalogue", document="tax_receipt"))
COWORKING = register_kind(OfferKind(
    "coworking", _l("Coworking"), "catalogue", price_unit=pass_unit, check_available=check_pass_left,
    quote_fields="catalogue/_pass_fields.html", read_options=read_pass,
    stock=DAILY))
SHARED_FUNCTION = register_kind(OfferKind("shared_function", _l("Fonction mutualisée"), "catalogue"))
