"""A coworking space with La Cantine's passes (DOMAIN.md: 7 €, 10 €, 63 €, 90 € incl. VAT)."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.catalogue.search import Viewer
from marketplace.checkout.cart import add_to_cart, ensure_cart
from marketplace.checkout.orders import Billing, place_order
from marketplace.core.timeutil import paris_today
from marketplace.passes.models import PassDesk
from marketplace.payments.services import record_manual_payment


@pytest.fixture
def space(app, db, factories):
    cluster = factories.make_cluster(slug="cantine", name="Silicon Sentier")
    offer = factories.make_offer(cluster, kind="coworking", slug="coworking", title_fr="Coworking à La Cantine",
                                 list_price_cents=700, prices_include_vat=True, capacity=40)
    for code, label, cents, units in (("half_day", "Demi-journée", 700, 1), ("day", "Journée", 1000, 1),
                                      ("book10_half", "Carnet de 10 demi-journées", 6300, 10),
                                      ("book10_day", "Carnet de 10 journées", 9000, 10)):
        factories.make_variant(offer, code=code, label_fr=label, label_en=label, list_price_cents=cents, units=units)
    db.add(PassDesk(offer_id=offer.id, validity_months=12, desk_code="CANTINE42"))
    db.commit()
    return dict(cluster=cluster, offer=offer)


def buy_book(app, db, offer, key="book", variant="book10_day", quantity=1, user=None, organization=None):
    with app.test_request_context():
        cart = ensure_cart(db, key, None)
        options = {"variant": variant} if variant.startswith("book") else {"variant": variant, "date": paris_today()}  # the day in France
        add_to_cart(db, cart, offer.id, quantity, options, Viewer())
        order, _ = place_order(db, cart, Viewer(organization.id if organization else None), user.id if user else None,
                               Billing("Studio Pixel", "hello@pixel.fr"), key, 30)
        if organization is not None:
            order.organization_id = organization.id
        record_manual_payment(db, order, order.total_incl_cents, date.today(), None)
        db.commit()
    return order
