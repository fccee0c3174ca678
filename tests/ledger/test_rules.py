"""Double-entry rules, for any amounts (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.ledger.rules import Line, UnbalancedPosting, check_balanced, fingerprint, reversal

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
