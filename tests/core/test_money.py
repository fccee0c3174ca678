"""Money arithmetic: half-up rounding without floats, inclusive splits, largest-remainder allocation."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.core.money import allocate, apply_bps, round_div, split_inclusive, vat_cents

amounts = st.integers(min_value=-10**12, max_value=10**12)
rates = st.integers(min_value=0, max_value=10_000)


def decimal_half_up(numerator: int, denominator: int) -> int:
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(("excl", "rate", "vat"), [
    (100_000, 2000, 20_000),
    (999, 2000, 200),       # 199.8
    (25, 1000, 3),          # 2.5 rounds up
    (24, 1000, 2),          # 2.4 rounds down
    (5, 1000, 1),           # 0.5 rounds up
    (4, 1000, 0),
    (1, 550, 0),            # 0.055
    (10, 550, 1),           # 0.55
    (0, 2000, 0),
    (12_345, 0, 0),
    (-25, 1000, -3),        # credit note: half away from zero
    (-24, 1000, -2),
])
def test_vat_cents_rounds_half_up_once(excl, rate, vat):
    assert vat_cents(excl, rate) == vat


@given(amounts, rates)
def test_vat_cents_matches_decimal_round_half_up(excl, rate):
    assert vat_cents(excl, rate) == decimal_half_up(excl * rate, 10_000)


def test_negative_vat_rate_is_refused():
    with pytest.raises(ValueError):
        vat_cents(100, -1)
    with pytest.raises(ValueError):
        split_inclusive(100, -1)


@pytest.mark.parametrize(("incl", "rate", "excl", "vat"), [
    (700, 2000, 583, 117),      # coworking half day 7 € TTC
    (1000, 2000, 833, 167),     # day 10 € TTC
    (6300, 2000, 5250, 1050),   # book of 10 half days 63 € TTC
    (9000, 2000, 7500, 1500),   # book of 10 days 90 € TTC
    (2100, 2000, 1750, 350),
    (1, 2000, 1, 0),            # 0.833 -> 1
    (6, 2000, 5, 1),            # 5.0
    (1055, 550, 1000, 55),
    (500, 0, 500, 0),
    (-700, 2000, -583, -117),
])
def test_split_inclusive(incl, rate, excl, vat):
    assert split_inclusive(incl, rate) == (excl, vat)


@given(amounts, rates)
def test_split_inclusive_adds_up_and_rounds_half_up(incl, rate):
    excl, vat = split_inclusive(incl, rate)
    assert excl + vat == incl
    assert excl == decimal_half_up(incl * 10_000, 10_000 + rate)


@pytest.mark.parametrize(("amount", "bps", "result"), [
    (240_000, 3000, 72_000),
    (100_000, 1500, 15_000),
    (333, 5000, 167),      # 166.5 rounds up
    (-333, 5000, -167),
    (1, 4999, 0),
    (1, 5000, 1),
    (100, 0, 0),
])
def test_apply_bps(amount, bps, result):
    assert apply_bps(amount, bps) == result


@given(amounts, st.integers(min_value=-20_000, max_value=20_000))
def test_apply_bps_matches_decimal(amount, bps):
    assert apply_bps(amount, bps) == decimal_half_up(amount * bps, 10_000)


@given(amounts, st.integers(min_value=1, max_value=10**6))
def test_round_div_is_symmetric(numerator, denominator):
    assert round_div(-numerator, denominator) == -round_div(numerator, denominator)


def test_round_div_needs_a_positive_denominator():
    with pytest.raises(ValueError):
        round_div(1, 0)


@pytest.mark.parametrize(("amount", "weights", "parts"), [
    (100, [1, 1, 1], [34, 33, 33]),
    (-100, [1, 1, 1], [-34, -33, -33]),
    (1, [1, 1], [1, 0]),                 # tie: earlier index first
    (2, [1, 1, 1], [1, 1, 0]),
    (5, [0, 1], [0, 5]),
    (10, [3, 3, 4], [3, 3, 4]),
    (100, [1, 2], [33, 67]),             # 33.33 / 66.67
    (101, [2500, 2500, 5000], [25, 25, 51]),  # 25.25, 25.25, 50.5: largest remainder goes to the third
    (0, [1, 2, 3], [0, 0, 0]),
    (7, [5], [7]),
])
def test_allocate_examples(amount, weights, parts):
    assert allocate(amount, weights) == parts


@pytest.mark.parametrize("weights", [[], [0, 0], [-1, 2], [1, -1, 5]])
def test_allocate_refuses_bad_weights(weights):
    with pytest.raises(ValueError):
        allocate(100, weights)


weights_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(
    lambda ws: sum(ws) > 0)


@given(amounts, weights_lists)
def test_allocate_sums_exactly_and_stays_within_one_cent(amount, weights):
    parts = allocate(amount, weights)
    total = sum(weights)
    assert sum(parts) == amount
    assert len(parts) == len(weights)
    for part, weight in zip(parts, weights, strict=True):
        # |part − amount × weight / total| < 1 cent, in integers
        assert abs(part * total - amount * weight) < total
        if weight == 0:
            assert part == 0


@given(amounts, weights_lists)
def test_allocate_mirrors_negative_amounts_and_is_deterministic(amount, weights):
    assert allocate(-amount, weights) == [-part for part in allocate(amount, weights)]
    assert allocate(amount, weights) == allocate(amount, list(weights))


def test_hundredths_and_amounts_with_a_decimal_comma():
    from marketplace.core.money import decimal_comma, format_hundredths

    assert [format_hundredths(v) for v in (3000, 1550, 1525, 5, 0)] == ["30", "15,5", "15,25", "0,05", "0"]
    assert format_hundredths(550, ".") == "5.5"
    assert [decimal_comma(c) for c in (0, 5, 123456, -1234, -5)] == ["0,00", "0,05", "1234,56", "-12,34", "-0,05"]
