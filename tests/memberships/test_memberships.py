"""Membership rules: one per year, discovery one year at most, partner tier for providers, status table."""

from __future__ import annotations

import pytest

from marketplace.core.errors import Conflict, Invalid
from marketplace.memberships.services import add_membership, change_membership_status


@pytest.fixture
def ctx(app, factories):
    with app.test_request_context():
        cluster = factories.make_cluster()
        yield dict(cluster=cluster, factories=factories)


def test_one_membership_per_organization_cluster_and_year(db, ctx):
    f, cluster = ctx["factories"], ctx["cluster"]
    tier = f.make_tier(cluster)
    org = f.make_organization()
    add_membership(db, cluster, org, tier, 2026)
    with pytest.raises(Conflict):
        add_membership(db, cluster, org, tier, 2026)
    assert add_membership(db, cluster, org, tier, 2027).year == 2027


def test_discovery_lasts_one_year_at_most(db, ctx):
    f, cluster = ctx["factories"], ctx["cluster"]
    discovery = f.make_tier(cluster, category="discovery", max_years=1, fee_cents=19000)
    org = f.make_organization()
    add_membership(db, cluster, org, discovery, 2025)
    with pytest.raises(Invalid) as refused:
        add_membership(db, cluster, org, discovery, 2026)
    assert "1 an" in refused.value.message


def test_partner_tier_is_for_service_providers(db, ctx):
    f, cluster = ctx["factories"], ctx["cluster"]
    partner = f.make_tier(cluster, category="partner", fee_cents=55000)
    with pytest.raises(Invalid):
        add_membership(db, cluster, f.make_organization(kind="company"), partner, 2026)
    provider = f.make_organization(kind="service_provider")
    assert add_membership(db, cluster, provider, partner, 2026).fee_cents == 55000


def test_classic_tier_must_match_headcount_band(db, ctx):
    f, cluster = ctx["factories"], ctx["cluster"]
    small = f.make_tier(cluster, min_headcount=0, max_headcount=19)
    with pytest.raises(Invalid):
        add_membership(db, cluster, f.make_organization(headcount=20), small, 2026)


def test_fee_is_frozen_on_the_membership(db, ctx):
    f, cluster = ctx["factories"], ctx["cluster"]
    tier = f.make_tier(cluster, fee_cents=69500)
    membership = add_membership(db, cluster, f.make_organization(), tier, 2026)
    tier.fee_cents = 99900
    db.add(tier)
    db.flush()
    assert membership.fee_cents == 69500


@pytest.mark.parametrize("start,target,ok", [
    ("pending", "active", True), ("active", "expired", True), ("active", "excluded", True),
    ("expired", "active", True), ("excluded", "active", False), ("pending", "expired", False),
    ("active", "pending", False),
])
def test_membership_status_transitions(db, ctx, start, target, ok):
    f, cluster = ctx["factories"], ctx["cluster"]
    membership = f.make_membership(f.make_organization(), cluster, status=start)
    if ok:
        assert change_membership_status(db, membership, target).status == target
    else:
        with pytest.raises(Conflict):
            change_membership_status(db, membership, target)
