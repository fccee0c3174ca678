"""Room rental rules (pure: no Flask, no DB): day types, slots and the blocks they take, the rate grid, the price.

A room is priced by a grid of rates: a day type (weekday, Saturday, Sunday, weekend, any day), a slot
and a band of people. Bands of one slot and day type never overlap ("1 to 20", "21 to 50", "51 to
100"); the most specific day type wins (Sunday over weekend over any). Above `quote_above` people the
room is on quote. A slot already started (in Paris) cannot be booked any more.

A slot takes blocks of the room's day: a full day takes the morning and the afternoon, so it clashes
with a half day on the same date; the meeting room is a separate space with its own blocks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ..core.errors import PricingError, missing_option
from ..core.kinds import Unit
from ..core.money import format_eur_en, format_eur_fr

PARIS = ZoneInfo("Europe/Paris")
DAY_TYPES = ("weekday", "saturday", "sunday", "weekend", "any")
HALF_LABELS = {"morning": ("matin", "morning"), "afternoon": ("après-midi", "afternoon")}  # French, English
HALVES = tuple(HALF_LABELS)


@dataclass(frozen=True)
class Slot:
    """A bookable slot: its names, when it starts, and the blocks it takes (morning, or afternoon if asked)."""

    code: str
    label_fr: str
    label_en: str
    starts: time
    blocks: tuple[str, ...]
    afternoon: tuple[str, ...] = ()  # the blocks of its afternoon variant, when it has one
    afternoon_starts: time | None = None

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_fr

    def blocks_for(self, half: str | None) -> tuple[str, ...]:
        return self.afternoon if half == "afternoon" and self.afternoon else self.blocks

    def start_for(self, half: str | None) -> time:
        return self.afternoon_starts if half == "afternoon" and self.afternoon_starts else self.starts


SLOTS = {slot.code: slot for slot in (
    Slot("full_day", "Journée", "Full day", time(9), ("morning", "afternoon")),
    Slot("half_day", "Demi-journée", "Half day", time(9), ("morning",), ("afternoon",), time(14)),
    Slot("evening", "Soirée", "Evening", time(19), ("evening",)),
    Slot("breakfast", "Petit-déjeuner", "Breakfast", time(8), ("breakfast",)),
    Slot("meeting", "Salle de réunion, demi-journée", "Meeting room, half day", time(9), ("meeting_morning",),
         ("meeting_afternoon",), time(14)),
)}


@dataclass(frozen=True)
class RoomRate:
    """A room price for a day type, a slot and a people band (bounds inclusive)."""

    day_type: str
    slot: str
    min_people: int
    max_people: int
    list_price_cents: int

    def __post_init__(self) -> None:
        _require(self.day_type in DAY_TYPES, f"unknown day type {self.day_type!r}")
        _require(self.slot in SLOTS, f"unknown slot {self.slot!r}")
        _require(1 <= self.min_people <= self.max_people, "people band must satisfy 1 <= min <= max")
        _require(self.list_price_cents >= 0, "room rate must be >= 0")

    def overlaps(self, other: RoomRate) -> bool:
        """Same slot and day type with people bands sharing at least one number."""
        return (self.slot == other.slot and self.day_type == other.day_type
                and self.min_people <= other.max_people and other.min_people <= self.max_people)


@dataclass(frozen=True)
class RoomTerms:
    """What prices a room: its rate grid and the size above which it is on quote (with a minimum)."""

    rates: tuple[RoomRate, ...] = ()
    quote_above: int | None = None
    quote_minimum_cents: int | None = None
    agreed: Mapping[int, tuple[str, int]] = None  # accepted quotes: id → (token, price excl. VAT in cents)

    def __post_init__(self) -> None:
        for i, rate in enumerate(self.rates):
            clash = next((other for other in self.rates[i + 1:] if rate.overlaps(other)), None)
            _require(clash is None, f"overlapping people bands for {rate.slot} on {rate.day_type}")


@dataclass(frozen=True)
class Booking:
    """What a room line books: a date, a slot (and which half), a number of people."""

    day: date
    slot: Slot
    people: int
    half: str | None = None

    @property
    def blocks(self) -> tuple[str, ...]:
        return self.slot.blocks_for(self.half)

    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.slot.start_for(self.half), tzinfo=PARIS)


def read_booking(options: Mapping[str, Any]) -> Booking:
    """Read and check options date (a date), slot (a known slot), people (an int >= 1) and half."""
    day, slot, people, half = (options.get(k) for k in ("date", "slot", "people", "half"))
    if not isinstance(day, date):
        raise missing_option("date", "Choisissez une date.", "Choose a date.")
    if slot not in SLOTS:
        raise missing_option("slot", "Choisissez un créneau.", "Choose a time slot.")
    if isinstance(people, bool) or not isinstance(people, int) or people < 1:
        raise missing_option("people", "Indiquez un nombre de personnes (au moins 1).",
                             "Give a number of people (at least 1).")
    if half is not None and half not in HALVES:
        raise missing_option("half", "Choisissez le matin ou l'après-midi.", "Choose morning or afternoon.")
    return Booking(day, SLOTS[slot], people, half)


def room_unit(terms, options: Mapping[str, Any], buyer, at: datetime, quantity: int = 1) -> Unit:
    """The rate of the room for the booking asked; refused if on quote, without a rate or already started."""
    room: RoomTerms = terms.kind_terms or RoomTerms()
    booking = read_booking(options)
    if booking.starts_at() <= at:
        raise PricingError("past", f"Ce créneau du {booking.day:%d/%m/%Y} a déjà commencé : choisissez une date à venir.",
                           f"This slot on {booking.day:%Y-%m-%d} has already started: choose a date to come.",
                           "date")
    if options.get("quote") is not None:
        return _agreed_unit(terms, room, booking, options)
    if room.quote_above is not None and booking.people > room.quote_above:
        raise _on_quote(room, booking.people)
    rate = rate_for(room.rates, day_type(booking.day), booking.slot.code, booking.people)
    if rate is None:
        raise PricingError(
            "no_rate", f"Pas de tarif pour {booking.slot.label_fr.lower()} le {booking.day:%d/%m/%Y} à "
            f"{booking.people} personnes.", f"No rate for {booking.slot.label_en.lower()} on {booking.day:%Y-%m-%d} "
            f"for {booking.people} people.", "slot")
    return Unit(describe(terms.title, booking, terms.language), rate.list_price_cents)


def _agreed_unit(terms, room: RoomTerms, booking: Booking, options: Mapping[str, Any]) -> Unit:
    """The price agreed with staff on a quote request, for the date, slot and people asked then."""
    agreed = (room.agreed or {}).get(options.get("quote"))
    if agreed is None or not isinstance(options.get("quote_token"), str) or agreed[0] != options["quote_token"]:
        raise PricingError("on_quote", "Ce devis n'existe pas ou n'est plus valable.",
                           "This quote does not exist or is no longer valid.", "quote")
    number = options["quote"]
    label = f"devis n° {number}" if terms.language != "en" else f"quote no. {number}"
    return Unit(f"{describe(terms.title, booking, terms.language)} — {label}", agreed[1], discounts=False)


def describe(title: str, booking: Booking, lang: str) -> str:
    """"La Cantine — Demi-journée (matin), 05/12/2026, 40 pers." (the line's description; which half only for
    a slot that has two)."""
    half_fr, half_en = HALF_LABELS["afternoon" if booking.half == "afternoon" else "morning"]
    if lang == "en":
        half = f" ({half_en})" if booking.slot.afternoon else ""
        return f"{title} — {booking.slot.label_en}{half}, {booking.day:%Y-%m-%d}, {booking.people} people"
    half = f" ({half_fr})" if booking.slot.afternoon else ""
    return f"{title} — {booking.slot.label_fr}{half}, {booking.day:%d/%m/%Y}, {booking.people} pers."


def _on_quote(room: RoomTerms, people: int) -> PricingError:
    """The refusal for groups above `quote_above`, naming the minimum amount if there is one."""
    fr = f"Au-delà de {room.quote_above} personnes, la location est sur devis"
    en = f"Above {room.quote_above} people the room is on quote"
    if room.quote_minimum_cents is not None:
        fr += f" (minimum {format_eur_fr(room.quote_minimum_cents)} HT)"
        en += f" (minimum {format_eur_en(room.quote_minimum_cents)} excl. VAT)"
    return PricingError("on_quote", fr + ".", en + ".", "people")


def day_type(day: date) -> str:
    """'weekday', 'saturday' or 'sunday' for a date."""
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekday")


def _day_specificity(rate_day_type: str, actual: str) -> int | None:
    """0 exact day type, 1 'weekend' matching Saturday/Sunday, 2 'any'; None when it does not match."""
    if rate_day_type == actual:
        return 0
    if rate_day_type == "weekend" and actual in ("saturday", "sunday"):
        return 1
    return 2 if rate_day_type == "any" else None


def rate_for(rates: Sequence[RoomRate], actual_day: str, slot: str, people: int) -> RoomRate | None:
    """The matching rate with the tightest people band (then the most specific day type), or None."""
    matching = [(r.max_people, spec, i, r) for i, r in enumerate(rates)
                if r.slot == slot and r.min_people <= people <= r.max_people
                and (spec := _day_specificity(r.day_type, actual_day)) is not None]
    return min(matching)[3] if matching else None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


# When each block of a day runs (Paris time), and which space of the room it is in: the meeting room is a
# separate space, so its blocks never keep the main space's buffer.
BLOCK_TIMES = {"breakfast": (time(8), time(10)), "morning": (time(9), time(13)), "afternoon": (time(14), time(18)),
               "evening": (time(19), time(22)), "meeting_morning": (time(9), time(13)),
               "meeting_afternoon": (time(14), time(18))}
BLOCK_SPACE = {block: ("meeting" if block.startswith("meeting") else "main") for block in BLOCK_TIMES}
DEFAULT_HOURS = (time(8), time(23))
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def span(blocks: Sequence[str]) -> tuple[time, time]:
    """From the first block's start to the last block's end."""
    return min(BLOCK_TIMES[b][0] for b in blocks), max(BLOCK_TIMES[b][1] for b in blocks)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def opening_problem(day: date, blocks: Sequence[str], hours: Mapping[int, tuple[time, time]],
                    closed: Mapping[date, str]) -> tuple[str, str] | None:
    """Why the room cannot be booked then (French, English), or None: a closed day, a weekday without hours,
    or a slot outside the day's opening hours. `hours` empty means open 8:00 to 23:00 every day."""
    if day in closed:
        why = f" ({closed[day]})" if closed[day] else ""
        return (f"La salle est fermée le {day:%d/%m/%Y}{why}.", f"The room is closed on {day:%Y-%m-%d}{why}.")
    opens_closes = hours.get(day.weekday()) if hours else DEFAULT_HOURS
    if opens_closes is None:
        return (f"La salle est fermée le {WEEKDAYS_FR[day.weekday()]}.",
                f"The room is closed on {WEEKDAYS_EN[day.weekday()]}s.")
    start, end = span(blocks)
    opens, closes = opens_closes
    if start < opens or end > closes:
        return (f"Ce créneau ({start:%H:%M}–{end:%H:%M}) dépasse les horaires d'ouverture du "
                f"{WEEKDAYS_FR[day.weekday()]} ({opens:%H:%M}–{closes:%H:%M}).",
                f"This slot ({start:%H:%M}–{end:%H:%M}) is outside the opening hours on "
                f"{WEEKDAYS_EN[day.weekday()]}s ({opens:%H:%M}–{closes:%H:%M}).")
    return None


def same_hours_runs(hours: Mapping[int, tuple[time, time]]) -> list[tuple[int, int, time, time]]:
    """Weekdays in a row open at the same hours, as (first, last, opens, closes): Monday to Saturday once."""
    runs: list[tuple[int, int, time, time]] = []
    for weekday in sorted(hours):
        opens, closes = hours[weekday]
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2:] == (opens, closes):
            runs[-1] = (runs[-1][0], weekday, opens, closes)
        else:
            runs.append((weekday, weekday, opens, closes))
    return runs


def buffer_clash(blocks: Sequence[str], booked: Sequence[str], buffer_minutes: int) -> bool:
    """True when a booking of `blocks` would overlap a booked block of the same space, or start or end less
    than `buffer_minutes` from it (the same block twice is refused by the bookings' unique key, not here)."""
    for block in blocks:
        start, end = (_minutes(t) for t in BLOCK_TIMES[block])
        for other in booked:
            if other == block or BLOCK_SPACE[other] != BLOCK_SPACE[block]:
                continue
            other_start, other_end = (_minutes(t) for t in BLOCK_TIMES[other])
            gap = other_start - end if other_start >= end else start - other_end
            if gap < buffer_minutes:
                return True
    return False


def cancellation_fee(price_cents: int, day: date, today: date, free_days: int, fee_bps: int) -> int:
    """What cancelling a booking costs: nothing until `free_days` before its day, then `fee_bps` of its price
    (rounded half up to the cent); a booking of a day gone cannot be cancelled."""
    if day <= today:
        raise ValueError("a booking of a day gone is not cancelled")
    if (day - today).days >= free_days:
        return 0
    return (price_cents * fee_bps + 5_000) // 10_000
