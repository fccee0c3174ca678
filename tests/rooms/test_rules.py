"""Room prices with DOMAIN.md's figures: La Cantine's grid, list and member (−30 %), € excl. VAT."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from marketplace.core.errors import Invalid
from marketplace.rooms.rules import RoomRate, RoomTerms, read_booking, same_hours_runs
from tests.pricing.terms import (
    ANONYMOUS,
    AT,
    MINUS,
    NBSP,
    NNBSP,
    SATURDAY,
    SILICON_SENTIER,
    SUNDAY,
    WEDNESDAY,
    member_of,
    offer,
    only_line,
    quote,
    refusal,
)

LA_CANTINE = offer(
    SILICON_SENTIER, "room", title="La Cantine", member_discount_bps=3000, kind_terms=RoomTerms((
        RoomRate("weekday", "full_day", 50, 100, 240_000),
        RoomRate("saturday", "full_day", 50, 100, 300_000),
        RoomRate("sunday", "full_day", 50, 100, 400_000),
        RoomRate("weekday", "half_day", 51, 100, 140_000),
        RoomRate("weekend", "half_day", 51, 100, 180_000),
        RoomRate("weekday", "half_day", 20, 50, 100_000),
        RoomRate("weekend", "half_day", 20, 50, 150_000),
        RoomRate("any", "breakfast", 1, 20, 25_000),
        RoomRate("any", "meeting", 1, 20, 22_000),
        RoomRate("any", "evening", 51, 100, 150_000),
        RoomRate("any", "evening", 21, 50, 80_000),
        RoomRate("any", "evening", 1, 20, 40_000),
    ), quote_above=100, quote_minimum_cents=250_000))

CANTINE_GRID = [
    # slot, day, people, list €, member €
    ("full_day", WEDNESDAY, 80, 2400, 1680),
    ("full_day", SATURDAY, 80, 3000, 2100),
    ("full_day", SUNDAY, 80, 4000, 2800),
    ("half_day", WEDNESDAY, 80, 1400, 980),
    ("half_day", SATURDAY, 80, 1800, 1260),
    ("half_day", SUNDAY, 80, 1800, 1260),
    ("half_day", WEDNESDAY, 30, 1000, 700),
    ("half_day", SATURDAY, 30, 1500, 1050),
    ("half_day", SUNDAY, 30, 1500, 1050),
    ("breakfast", WEDNESDAY, 15, 250, 175),
    ("meeting", WEDNESDAY, 8, 220, 154),
    ("evening", WEDNESDAY, 80, 1500, 1050),
    ("evening", WEDNESDAY, 30, 800, 560),
    ("evening", WEDNESDAY, 10, 400, 280),
    # evening, breakfast and meeting room cost the same whatever the day
    ("evening", SATURDAY, 80, 1500, 1050),
    ("evening", SUNDAY, 30, 800, 560),
    ("evening", SATURDAY, 10, 400, 280),
    ("breakfast", SUNDAY, 20, 250, 175),
    ("meeting", SATURDAY, 1, 220, 154),
    # band boundaries: bands follow each other without overlapping (1–20, 21–50, 51–100; 20–50, 51–100)
    ("half_day", WEDNESDAY, 20, 1000, 700),
    ("half_day", WEDNESDAY, 50, 1000, 700),
    ("half_day", WEDNESDAY, 51, 1400, 980),
    ("half_day", SATURDAY, 50, 1500, 1050),
    ("half_day", SATURDAY, 51, 1800, 1260),
    ("evening", WEDNESDAY, 20, 400, 280),
    ("evening", WEDNESDAY, 21, 800, 560),
    ("evening", WEDNESDAY, 50, 800, 560),
    ("evening", WEDNESDAY, 51, 1500, 1050),
    ("full_day", WEDNESDAY, 50, 2400, 1680),
    ("full_day", SUNDAY, 100, 4000, 2800),
]


@pytest.mark.parametrize(("slot", "day", "people", "list_eur", "member_eur"), CANTINE_GRID)
def test_la_cantine_list_price(slot, day, people, list_eur, member_eur):
    line = only_line(quote(LA_CANTINE, ANONYMOUS, 1, {"date": day, "slot": slot, "people": people}, AT))
    assert line.unit_list_cents == line.unit_price_cents == list_eur * 100
    assert line.excl_cents == list_eur * 100
    assert line.vat_cents == list_eur * 20
    assert line.incl_cents == list_eur * 120
    assert line.adjustments == ()


@pytest.mark.parametrize(("slot", "day", "people", "list_eur", "member_eur"), CANTINE_GRID)
def test_la_cantine_member_price(slot, day, people, list_eur, member_eur):
    buyer = member_of(SILICON_SENTIER)
    line = only_line(quote(LA_CANTINE, buyer, 1, {"date": day, "slot": slot, "people": people}, AT))
    assert line.unit_list_cents == list_eur * 100
    assert line.unit_price_cents == line.excl_cents == member_eur * 100
    (adjustment,) = line.adjustments
    assert adjustment.code == "member_discount"
    assert adjustment.amount_cents == (member_eur - list_eur) * 100
    assert adjustment.label_fr == f"Tarif adhérent Silicon Sentier {MINUS}30{NNBSP}%"
    assert adjustment.label_en == f"Silicon Sentier member rate {MINUS}30%"


def test_room_quantity_multiplies_the_line_and_vat_is_on_the_line():
    line = only_line(quote(LA_CANTINE, member_of(SILICON_SENTIER), 2,
                           {"date": SATURDAY, "slot": "half_day", "people": 40}, AT))
    assert (line.excl_cents, line.vat_cents, line.incl_cents) == (210_000, 42_000, 252_000)
    assert line.adjustments[0].amount_cents == -90_000
    assert line.description == "La Cantine — Demi-journée (matin), 05/12/2026, 40 pers."
    afternoon = only_line(quote(LA_CANTINE, member_of(SILICON_SENTIER), 1,
                                {"date": SATURDAY, "slot": "half_day", "half": "afternoon", "people": 40}, AT))
    assert afternoon.description == "La Cantine — Demi-journée (après-midi), 05/12/2026, 40 pers."


def test_over_100_people_is_on_quote_with_the_minimum():
    options = {"date": WEDNESDAY, "slot": "full_day", "people": 101}
    error = refusal("on_quote", LA_CANTINE, ANONYMOUS, 1, options, AT)
    assert error.field == "people"
    assert f"2{NNBSP}500,00{NBSP}€ HT" in error.message_fr
    assert "€2,500.00 excl. VAT" in error.message_en
    assert isinstance(error, Invalid) and error.status == 422


@pytest.mark.parametrize(("slot", "day", "people"), [
    ("full_day", WEDNESDAY, 49),    # no full-day rate under 50 people
    ("breakfast", WEDNESDAY, 21),
    ("meeting", SUNDAY, 30),
])
def test_no_room_rate(slot, day, people):
    error = refusal("no_rate", LA_CANTINE, ANONYMOUS, 1, {"date": day, "slot": slot, "people": people}, AT)
    assert error.field == "slot"


@pytest.mark.parametrize(("options", "field"), [
    ({"slot": "evening", "people": 10}, "date"),
    ({"date": "2026-12-02", "slot": "evening", "people": 10}, "date"),
    ({"date": WEDNESDAY, "slot": "brunch", "people": 10}, "slot"),
    ({"date": WEDNESDAY, "slot": "evening"}, "people"),
    ({"date": WEDNESDAY, "slot": "evening", "people": 0}, "people"),
])
def test_room_options_are_required(options, field):
    assert refusal("missing_option", LA_CANTINE, ANONYMOUS, 1, options, AT).field == field


def test_specific_day_rate_beats_weekend_and_any():
    room = offer(SILICON_SENTIER, "room", kind_terms=RoomTerms((
        RoomRate("any", "evening", 1, 20, 40_000),
        RoomRate("weekend", "evening", 1, 20, 50_000),
        RoomRate("sunday", "evening", 1, 20, 60_000),
    )))
    prices = [only_line(quote(room, ANONYMOUS, 1, {"date": day, "slot": "evening", "people": 5}, AT))
              .unit_price_cents for day in (WEDNESDAY, SATURDAY, SUNDAY)]
    assert prices == [40_000, 50_000, 60_000]




def test_a_slot_already_started_cannot_be_booked():
    ten_in_paris = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # Wednesday 10:00
    started = refusal("past", LA_CANTINE, ANONYMOUS, 1, {"date": WEDNESDAY, "slot": "full_day", "people": 80},
                      ten_in_paris)
    assert started.field == "date" and "déjà commencé" in started.message_fr
    evening = quote(LA_CANTINE, ANONYMOUS, 1, {"date": WEDNESDAY, "slot": "evening", "people": 10}, ten_in_paris)
    assert evening.total_excl_cents == 40_000  # 19:00 is still to come
    afternoon = {"date": WEDNESDAY, "slot": "half_day", "half": "afternoon", "people": 30}
    assert quote(LA_CANTINE, ANONYMOUS, 1, afternoon, ten_in_paris).total_excl_cents == 100_000
    yesterday = {"date": WEDNESDAY - timedelta(days=1), "slot": "evening", "people": 10}
    refusal("past", LA_CANTINE, ANONYMOUS, 1, yesterday, ten_in_paris)


def test_people_bands_of_a_slot_never_overlap():
    with pytest.raises(ValueError, match="overlapping"):
        RoomTerms((RoomRate("any", "evening", 1, 20, 1), RoomRate("any", "evening", 20, 50, 2)))
    RoomTerms((RoomRate("any", "evening", 1, 20, 1), RoomRate("any", "evening", 21, 50, 2),
               RoomRate("weekend", "evening", 1, 50, 3)))  # another day type is another line of the grid


def test_a_full_day_takes_the_blocks_a_half_day_needs():
    full = read_booking({"date": WEDNESDAY, "slot": "full_day", "people": 10}).blocks
    morning = read_booking({"date": WEDNESDAY, "slot": "half_day", "people": 10}).blocks
    afternoon = read_booking({"date": WEDNESDAY, "slot": "half_day", "half": "afternoon", "people": 10}).blocks
    meeting = read_booking({"date": WEDNESDAY, "slot": "meeting", "people": 10}).blocks
    assert set(morning) <= set(full) and set(afternoon) <= set(full)
    assert not set(meeting) & set(full)  # the meeting room is another space


def test_weekdays_open_at_the_same_hours_are_told_once():
    day, short = (time(8), time(23)), (time(9), time(19))
    assert same_hours_runs({0: day, 1: day, 2: day, 3: day, 4: day, 5: day, 6: short}) == [
        (0, 5, time(8), time(23)), (6, 6, time(9), time(19))]
    assert same_hours_runs({0: day, 2: day, 3: short}) == [(0, 0, *day), (2, 2, *day), (3, 3, *short)]
    assert same_hours_runs({}) == []
