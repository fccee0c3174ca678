"""Shared terms for the pricing tests: DOMAIN.md's clusters, buyers and a quote's single line."""

from datetime import UTC, date, datetime

import pytest

import marketplace.catalogue  # noqa: F401  (registers the catalogue's kinds)
import marketplace.memberships  # noqa: F401  (registers the membership kind)
import marketplace.rooms  # noqa: F401  (registers the room kind)
from marketplace.core.errors import PricingError
from marketplace.pricing.engine import quote
from marketplace.pricing.quotes import Quote
from marketplace.pricing.terms import BuyerContext, MembershipInfo, OfferTerms

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"

AT = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
ANONYMOUS = BuyerContext()

SILICON_SENTIER, NEOPOLIA, MECABOURG, ATLANPACK, EMC2, SOLIAGE = 4, 1, 2, 5, 8, 6
NAMES = {SILICON_SENTIER: "Silicon Sentier", NEOPOLIA: "Neopolia", MECABOURG: "Mecabourg", EMC2: "EMC2",
         SOLIAGE: "Soliage", ATLANPACK: "Atlanpack"}

WEDNESDAY, SATURDAY, SUNDAY = date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 6)


def membership(cluster_id, *, year=2026, status="active", category="classic", tier="classic", tier_name=""):
    return MembershipInfo(cluster_id, NAMES[cluster_id], year, tier, category, status, tier_name)


def member_of(*cluster_ids, **kwargs):
    return BuyerContext(organization_id=42, kind="company", headcount=12,
                        memberships=tuple(membership(c, **kwargs) for c in cluster_ids))


def offer(cluster_id=MECABOURG, kind="service", **kwargs):
    return OfferTerms(offer_id=1, cluster_id=cluster_id, cluster_name=NAMES[cluster_id], kind=kind,
                      title=kwargs.pop("title", "Veille marchés"), **kwargs)


def only_line(result: Quote):
    assert len(result.lines) == 1
    return result.lines[0]


def refusal(code, *args, **kwargs) -> PricingError:
    with pytest.raises(PricingError) as caught:
        quote(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def company(headcount, kind="company", **kwargs):
    return BuyerContext(organization_id=7, kind=kind, headcount=headcount, **kwargs)
