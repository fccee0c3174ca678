"""Double-entry rules, for any amounts (hypothesis)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.ledger.rules import (
    Line,
    UnbalancedPosting,
    check_balanced,
    fingerprint,
    is_month,
    month_before,
    reversal,
)

ACCOUNTS = st.sampled_from(["federation:512", "federation:411", "cluster-1:706", "cluster-2:44571"])


@st.composite
def balanced(draw) -> list[Line]:
    debits = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=5))
    weights = draw(st.lists(st.integers(1, 100), min_size=1, max_size=5))
    from marketplace.core.money import allocate

    credits = [c for c in allocate(sum(debits), weights) if c > 0]
    return ([Line(draw(ACCOUNTS), debit_cents=d) for d in debits]
            + [Line(draw(ACCOUNTS), credit_cents=c) for c in credits])


@given(balanced())
def test_balanced_postings_pass_and_their_reversal_too(lines):
    check_balanced(lines)
    check_balanced(reversal(lines))
    assert fingerprint(lines) == fingerprint(list(reversed(lines)))
    mirrored = sorted((x.account, x.credit_cents, x.debit_cents) for x in lines)
    if mirrored != sorted((x.account, x.debit_cents, x.credit_cents) for x in lines):  # not its own reversal
        assert fingerprint(lines) != fingerprint(reversal(lines))


@given(balanced(), st.integers(1, 1000))
def test_any_imbalance_is_refused(lines, extra):
    with pytest.raises(UnbalancedPosting):
        check_balanced([*lines, Line("federation:512", debit_cents=extra)])


@pytest.mark.parametrize("lines", [
    [Line("a:1", debit_cents=100)],
    [Line("a:1", debit_cents=100, credit_cents=100), Line("a:2", credit_cents=0)],
    [Line("a:1", debit_cents=-5), Line("a:2", credit_cents=-5)],
])
def test_malformed_postings_are_refused(lines):
    with pytest.raises(UnbalancedPosting):
        check_balanced(lines)


@given(st.integers(-10**9, 10**9), st.integers(0, 3000),
       st.lists(st.integers(1, 2000), max_size=3))
def test_split_adds_up_to_the_amount_each_part_within_a_cent(amount, fee_bps, share_bps):
    from marketplace.ledger.rules import split_amount

    shares = [(10 + i, bps) for i, bps in enumerate(share_bps)]
    parts = split_amount(amount, fee_bps, shares, issuer_id=1)
    assert sum(cents for _party, cents in parts) == amount
    weights = [fee_bps, *share_bps, 10_000 - fee_bps - sum(share_bps)]
    for (_party, cents), weight in zip(parts, weights, strict=True):
        assert abs(cents * 10_000 - amount * weight) < 10_000  # within one cent of the exact share


def test_split_refuses_shares_above_the_whole():
    from marketplace.ledger.rules import split_amount

    with pytest.raises(ValueError):
        split_amount(100, 5000, [(2, 6000)], issuer_id=1)


def test_months_are_written_yyyy_mm_and_the_month_before_crosses_years():
    assert is_month("2026-10") and is_month("2027-01")
    assert not any(is_month(text) for text in ("2026-13", "2026-00", "2026-1", "2026-10-05", "2026-10x", ""))
    assert month_before(date(2026, 11, 27)) == "2026-10" and month_before(date(2027, 1, 1)) == "2026-12"
