"""The budget's ledger-fed figures are the statements' figures for the same months, to the cent, split by
origin from the documents each posting was made from."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlmodel import select

from marketplace.agreements.models import SuccessFeeAgreement, SuccessFeeDeclaration
from marketplace.catalogue.models import OfferCoOwner
from marketplace.checkout.models import Order, OrderLine
from marketplace.finances.ledger_feed import ledger_figures, ledger_year
from marketplace.finances.origins import ACCOUNT_ORIGINS, BY_CODE, REVENUE_ACCOUNTS
from marketplace.ledger.rules import split_amount
from marketplace.payments.services import record_manual_payment, record_refund
from marketplace.pools.models import PooledCost
from marketplace.pools.services import close_month, set_participant
from marketplace.settlements.services import close_period, statements

FEE_BPS = 450
REVENUE_ORIGINS = [code for code, origin in BY_CODE.items() if origin.group == "private"
                   and code not in ("pooled_costs_received", "rebates")]


def _order(factories, lines) -> Order:
    """A pending order of several lines: (offer, quantity, VAT rate in bps)."""
    db = factories.db
    order = factories.make_order(lines[0][0])
    db.delete(db.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one())
    excl_total = vat_total = 0
    for offer, quantity, rate in lines:
        excl = offer.list_price_cents * quantity
        vat = excl * rate // 10_000
        db.add(OrderLine(order_id=order.id, offer_id=offer.id, cluster_id=offer.cluster_id, kind=offer.kind,
                         description=offer.title_fr, quantity=quantity, units=quantity,
                         unit_list_cents=offer.list_price_cents, unit_price_cents=offer.list_price_cents,
                         excl_cents=excl, vat_rate_bps=rate, vat_cents=vat, incl_cents=excl + vat))
        excl_total, vat_total = excl_total + excl, vat_total + vat
    order.total_excl_cents, order.total_vat_cents, order.total_incl_cents = excl_total, vat_total, excl_total + vat_total
    db.add(order)
    db.commit()
    return order


def _co_owner_part(excl: int, b_id: int, a_id: int) -> int:
    return dict(split_amount(excl, FEE_BPS, ((b_id, 3_333),), a_id))[b_id]


@pytest.fixture()
def activity(app, db, factories):
    """October and November: mixed orders (co-owned, with a platform fee), a gift, a success fee, a refund,
    a pooled cost provided by A; October is closed, so a refund dated in October counts in November."""
    app.config["PLATFORM_FEE_BPS"] = FEE_BPS
    with app.test_request_context():
        a, b = factories.make_cluster(slug="alpha"), factories.make_cluster(slug="beta")
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        service = factories.make_offer(a, kind="service", list_price_cents=123_457)
        db.add(OfferCoOwner(offer_id=service.id, cluster_id=b.id, share_bps=3_333))
        ticket = factories.make_offer(a, kind="event_ticket", list_price_cents=4_999)
        stand = factories.make_offer(a, kind="stand", list_price_cents=180_001)
        action = factories.make_offer(a, kind="collective_action", list_price_cents=77_777)
        factories.make_tier(a, code="classic", fee_cents=69_500, max_headcount=None)
        membership = factories.make_offer(a, kind="membership", list_price_cents=69_500)
        gift = factories.make_offer(a, kind="patronage", list_price_cents=1_500_000)
        sponsor = factories.make_offer(b, kind="sponsorship", list_price_cents=300_000)
        db.commit()
        mixed = _order(factories, [(service, 2, 2000), (ticket, 7, 2000), (stand, 1, 2000), (action, 3, 2000)])
        record_manual_payment(db, mixed, mixed.total_incl_cents, date(2026, 10, 3), admin.id)
        both = _order(factories, [(membership, 1, 0), (sponsor, 1, 2000), (gift, 1, 0)])
        record_manual_payment(db, both, both.total_incl_cents, date(2026, 10, 20), admin.id)
        terms = SuccessFeeAgreement(cluster_id=a.id, offer_id=service.id, organization_id=factories.make_organization().id,
                                    rate_bps=100)
        db.add(terms)
        db.flush()
        fee = _order(factories, [(service, 1, 2000)])
        db.add(SuccessFeeDeclaration(agreement_id=terms.id, outcome="Marché remporté", declared_cents=10**8,
                                     fee_cents=123_457, order_id=fee.id, idempotency_key="k-1"))
        db.commit()
        record_manual_payment(db, fee, fee.total_incl_cents, date(2026, 11, 4), admin.id)
        pool = PooledCost(name="Comptable", kind="shared_function", provider_cluster_id=a.id, sharing_key="equal",
                          monthly_cost_cents=100_001, starts_on=date(2026, 10, 1))
        db.add(pool)
        db.flush()
        for cluster in (a, b):
            set_participant(db, pool, cluster.id, date(2026, 1, 1), None, None)
        close_month(db, pool, "2026-10", date(2026, 11, 2))
        db.commit()
        close_period(db, "2026-10", date(2026, 11, 2))
        db.commit()
        record_refund(db, mixed, 50_003, "Annulation partielle", "bank_transfer", admin.id, date(2026, 10, 31))
        record_refund(db, both, both.total_incl_cents, "Annulation", "bank_transfer", admin.id, date(2026, 11, 12))
        db.commit()
        return a, b


def _statement_codes(db, cluster_id: int, periods: list[str]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for period in periods:
        for row in statements(db, period, cluster_id)[cluster_id].rows:
            totals[row["code"]] += row["cents"]
    return totals


@pytest.mark.parametrize("periods", [["2026-10"], ["2026-11"], ["2026-10", "2026-11"]])
def test_ledger_figures_equal_the_statements_of_the_same_months(app, db, activity, periods):
    with app.test_request_context():
        for cluster in activity:
            figures = ledger_figures(db, cluster.id, periods[0], periods[-1])
            expected = _statement_codes(db, cluster.id, periods)
            for code in (*REVENUE_ACCOUNTS, *ACCOUNT_ORIGINS):
                if code != "709":  # rebates given back are not a claim's movement: statements leave them out
                    assert figures.by_code.get(code, 0) == expected.get(code, 0), (cluster.slug, periods, code)
            revenue = sum(figures.by_origin.get(code, 0) for code in REVENUE_ORIGINS)
            assert revenue == sum(expected.get(code, 0) for code in REVENUE_ACCOUNTS)
            assert figures.by_origin.get("other_private", 0) == 0, "every posting's revenue is explained"
            for code, (origin, sign) in ACCOUNT_ORIGINS.items():
                if code in ("708", "609"):
                    assert figures.by_origin.get(origin, 0) == sign * expected.get(code, 0)


def test_revenue_is_split_by_what_was_sold(app, db, activity):
    a, b = activity
    with app.test_request_context():
        october = ledger_figures(db, a.id, "2026-10", "2026-10").by_origin
        beta_october = ledger_figures(db, b.id, "2026-10", "2026-10").by_origin
        year = ledger_year(db, a.id, 2026).by_origin
        beta = ledger_year(db, b.id, 2026).by_origin
    # A keeps what its co-owner B does not (B's third), the platform's fee included (charged back in 622).
    assert october["services"] == 2 * 123_457 - _co_owner_part(2 * 123_457, b.id, a.id)
    assert beta_october["services"] == _co_owner_part(2 * 123_457, b.id, a.id)
    assert october["events"] == 7 * 4_999 + 180_001 and october["collective_actions"] == 3 * 77_777
    assert october["membership_fees"] == 69_500 and october["sponsorship"] == 1_500_000  # a gift: 7543
    assert beta_october["sponsorship"] == 300_000
    assert october["pooled_costs_received"] in (50_000, 50_001)
    assert year["success_fees"] == 123_457 - _co_owner_part(123_457, b.id, a.id)
    assert beta["success_fees"] == _co_owner_part(123_457, b.id, a.id)
    # the second order was refunded in full in November; the first in part (its lines pro rata)
    assert year.get("membership_fees", 0) == 0 and year.get("sponsorship", 0) == 0
    assert beta.get("sponsorship", 0) == 0
    assert 0 < year["events"] < october["events"] and year["services"] < october["services"] + year["success_fees"]
