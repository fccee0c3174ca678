"""The platform fee: the federation's, overridden by a partnership on co-produced offers, or by an offer."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.catalogue.models import OfferCoOwner
from marketplace.core.errors import Invalid
from marketplace.invoicing.services import platform_fee_bps, set_offer_fee, set_partnership_fee
from marketplace.ledger.services import balance, federation
from marketplace.payments.services import record_manual_payment


def test_offer_then_partnership_then_federation(app, db, factories):
    app.config["PLATFORM_FEE_BPS"] = 500
    with app.test_request_context():
        a, b, c = (factories.make_cluster() for _ in range(3))
        partnership = factories.make_partnership(a, b)
        offer = factories.make_offer(a, list_price_cents=10_000)
        db.add(OfferCoOwner(offer_id=offer.id, cluster_id=b.id, share_bps=2000))
        db.flush()
        assert platform_fee_bps(db, offer, [b.id], 500) == 500
        set_partnership_fee(db, partnership, 300)
        assert platform_fee_bps(db, offer, [b.id], 500) == 300
        assert platform_fee_bps(db, offer, [c.id], 500) == 500  # another co-owner: the federation's fee
        set_offer_fee(db, offer, 0)
        assert platform_fee_bps(db, offer, [b.id], 500) == 0
        with pytest.raises(Invalid):
            set_offer_fee(db, offer, 8001)  # with the co-owner's 20 %, the issuer would get less than nothing
        with pytest.raises(Invalid):
            set_partnership_fee(db, partnership, 8500)
        set_offer_fee(db, offer, None)
        order = factories.make_order(offer)
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 2), factories.make_user().id)
        assert balance(db, federation("706")) == -300  # the partnership's 3 %, frozen on the invoice


def test_the_federation_sets_and_clears_an_offer_fee_in_the_console(app, client, db, factories):
    from tests.conftest import csrf_token, login
    from tests.factories import PASSWORD

    with app.test_request_context():
        offer = factories.make_offer(factories.make_cluster(), list_price_cents=10_000)
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
    login(client, admin.email, PASSWORD)
    token = csrf_token(client, "/console/platform-fees")
    for percent, expected in (("2,5", 250), ("cent vingt", 250), ("120", 250), ("", None)):
        assert client.post("/console/platform-fees", data={"offer": offer.id, "percent": percent,
                                                           "csrf_token": token}).status_code == 303
        db.rollback()
        db.expire_all()
        assert db.get(type(offer), offer.id).platform_fee_bps == expected, percent
