"""Sharing a month of a pooled cost: every cent allocated, each part within a cent of its exact share."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.pools.rules import NothingToShare, Participant, month_cost, overlap_days, share_month

NOV = (date(2026, 11, 1), date(2026, 11, 30))


def test_equal_shares_of_a_veille_subscription_between_three_clusters():
    people = [Participant(c, date(2026, 1, 1)) for c in (1, 2, 3)]
    shares = share_month(100_000, "equal", *NOV, people)
    assert [s.amount_cents for s in shares] == [33_334, 33_333, 33_333]
    assert shares[0].basis == "30/30 j × 1 part"


def test_joining_mid_month_is_prorated_by_days():
    people = [Participant(1, date(2026, 1, 1)), Participant(2, date(2026, 11, 16))]  # 30 and 15 days
    shares = share_month(90_000, "equal", *NOV, people)
    assert [s.amount_cents for s in shares] == [60_000, 30_000]
    assert [s.days for s in shares] == [30, 15]


def test_leaving_mid_month_is_prorated_and_a_leaver_pays_nothing_after():
    people = [Participant(1, date(2026, 1, 1), left_on=date(2026, 11, 10)), Participant(2, date(2026, 1, 1)),
              Participant(3, date(2026, 1, 1), left_on=date(2026, 10, 31))]
    shares = share_month(40_000, "equal", *NOV, people)
    assert [s.amount_cents for s in shares] == [10_000, 30_000, 0]


def test_members_usage_and_fixed_keys():
    people = [Participant(1, date(2026, 1, 1), members=30, usage_centi=1250, fixed_bps=5000),
              Participant(2, date(2026, 1, 1), members=10, usage_centi=3750, fixed_bps=5000)]
    assert [s.amount_cents for s in share_month(10_000, "members", *NOV, people)] == [7_500, 2_500]
    usage = share_month(10_000, "usage", *NOV, people)
    assert [s.amount_cents for s in usage] == [2_500, 7_500] and usage[0].basis == "12,5 h"
    assert [s.amount_cents for s in share_month(10_001, "fixed", *NOV, people)] == [5_001, 5_000]


def test_nothing_to_share_is_refused():
    with pytest.raises(NothingToShare):
        share_month(10_000, "usage", *NOV, [Participant(1, date(2026, 1, 1))])
    with pytest.raises(NothingToShare):
        share_month(10_000, "equal", *NOV, [Participant(1, date(2026, 12, 1))])


def test_a_cost_starting_mid_month_costs_its_days():
    assert month_cost(300_000, *NOV, date(2026, 11, 21), None) == 100_000
    assert month_cost(300_000, *NOV, date(2026, 1, 1), date(2026, 11, 10)) == 100_000
    assert overlap_days(*NOV, date(2026, 12, 1), None) == 0


@given(cost=st.integers(1, 10**8), key=st.sampled_from(["equal", "members", "usage", "fixed"]),
       people=st.lists(st.tuples(st.integers(1, 30), st.integers(0, 500), st.integers(0, 10_000),
                                 st.integers(1, 10_000)), min_size=1, max_size=9))
def test_every_cent_is_allocated_within_a_cent_of_the_exact_share(cost, key, people):
    participants = [Participant(i, date(2026, 11, joined), members=members, usage_centi=usage, fixed_bps=bps)
                    for i, (joined, members, usage, bps) in enumerate(people)]
    try:
        shares = share_month(cost, key, *NOV, participants)
    except NothingToShare:
        return
    assert sum(s.amount_cents for s in shares) == cost
    total = sum(s.weight for s in shares)
    for share in shares:
        assert abs(share.amount_cents - Fraction(cost * share.weight, total)) < 1
