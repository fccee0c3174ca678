"""Every offer kind the database accepts is registered, priced by the engine, and has a label."""

from marketplace.catalogue.models import OFFER_KINDS
from marketplace.catalogue.registry import OfferKind, all_kinds, get_kind, register_kind
from marketplace.pricing.rules import OFFER_KINDS as PRICED_KINDS


def test_registry_matches_the_model_and_the_pricing_engine(app):
    codes = {kind.code for kind in all_kinds()}
    assert codes == set(OFFER_KINDS) == set(PRICED_KINDS)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(get_kind("stand").label) == "Exhibitor stand"


def test_inventory_kinds_are_the_ones_with_stock():
    stocked = {k.code for k in all_kinds() if k.inventory != "none"}
    assert stocked == {"event_ticket", "stand", "sponsorship", "room", "coworking"}
    assert get_kind("room").inventory == "time_slots"


def test_a_feature_can_bring_its_availability():
    original = get_kind("stand")
    try:
        register_kind(OfferKind("stand", original.label, "capacity", availability=lambda db, offer, options: 3))
        assert get_kind("stand").availability(None, None, {}) == 3
    finally:
        register_kind(original)
