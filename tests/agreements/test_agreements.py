"""Group purchasing rebates and success fees."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from marketplace.agreements.models import SuccessFeeAgreement, SupplierAgreement
from marketplace.agreements.rules import redistribute, success_fee_cents
from marketplace.agreements.services import (
    close_rebate_year,
    declare_outcome,
    record_purchase,
    redistribute_rebate,
)
from marketplace.checkout.models import Order
from marketplace.core.errors import Conflict, Invalid
from marketplace.ledger.services import balance, federation, of_cluster, owed_to
from marketplace.payments.services import record_manual_payment
from marketplace.settlements.services import statements


def test_success_fee_bounds():
    assert success_fee_cents(48_000_000, 100, 0, None) == 480_000  # 1 % of a 480 000 € tender
    assert success_fee_cents(1_000_000, 100, 50_000, None) == 50_000  # the minimum
    assert success_fee_cents(100_000_000, 100, 0, 300_000) == 300_000  # the cap
    assert success_fee_cents(12_345, 150, 0, None) == 185  # half-up


@given(st.integers(0, 10**9), st.lists(st.integers(1, 10**9), min_size=1, max_size=30))
def test_a_redistributed_rebate_adds_up_and_each_part_is_within_a_cent(rebate, purchases):
    parts = redistribute(rebate, purchases)
    assert sum(parts) == rebate
    for part, bought in zip(parts, purchases, strict=True):
        assert abs(part - Fraction(rebate * bought, sum(purchases))) < 1


def test_a_year_end_rebate_is_posted_to_the_cluster_and_shared_by_purchases(app, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="meca")
        a, b, c = (factories.make_organization() for _ in range(3))
        agreement = SupplierAgreement(cluster_id=cluster.id, supplier_name="Énergie Plus", year=2025, rebate_bps=250)
        db.add(agreement)
        db.flush()
        for org, cents in ((a, 1_000_001), (b, 2_000_000), (c, 333_333), (a, 10)):
            record_purchase(db, agreement, org.id, date(2025, 6, 1), cents, "", None)
        with pytest.raises(Invalid):
            record_purchase(db, agreement, a.id, date(2026, 1, 2), 100, "", None)
        with pytest.raises(Conflict):
            close_rebate_year(db, agreement, date(2025, 12, 31))
        close_rebate_year(db, agreement, date(2026, 1, 15))
        assert agreement.rebate_cents == 83_334  # 2,5 % of 3 333 344
        assert balance(db, of_cluster(cluster.id, "609")) == -83_334
        assert balance(db, owed_to(cluster.id)) == -83_334 and balance(db, federation("4098")) == 83_334
        with pytest.raises(Conflict):
            record_purchase(db, agreement, a.id, date(2025, 7, 1), 100, "", None)
        shares = redistribute_rebate(db, agreement, date(2026, 1, 20))
        assert sum(s.amount_cents for s in shares) == 83_334
        assert [s.amount_cents for s in shares] == [25_001, 50_000, 8_333]
        assert balance(db, of_cluster(cluster.id, "4191")) == -83_334
        assert len(redistribute_rebate(db, agreement, date(2026, 1, 21))) == 3  # once


def test_an_outcome_raises_one_order_and_its_payment_counts_as_a_success_fee(app, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="neo")
        member = factories.make_organization(name="Chantiers", email="achats@chantiers.fr")
        offer = factories.make_offer(cluster, kind="service", list_price_cents=150_000)
        agreement = SuccessFeeAgreement(cluster_id=cluster.id, offer_id=offer.id, organization_id=member.id,
                                        rate_bps=100, min_cents=0, cap_cents=1_000_000)
        db.add(agreement)
        db.flush()
        with pytest.raises(Invalid):
            declare_outcome(db, agreement, "Marché", 0, None, "k-0")
        first, created = declare_outcome(db, agreement, "Marché de maintenance remporté", 48_000_000, None, "k-1")
        again, created_again = declare_outcome(db, agreement, "Marché de maintenance remporté", 48_000_000, None,
                                               "k-1")
        assert (created, created_again) == (True, False)
        assert first.id == again.id and first.fee_cents == 480_000
        assert len(db.exec(select(Order)).all()) == 1
        order = db.get(Order, first.order_id)
        assert (order.total_excl_cents, order.total_vat_cents, order.total_incl_cents) == (480_000, 96_000, 576_000)
        admin = factories.make_user(is_platform_admin=True)
        record_manual_payment(db, order, order.total_incl_cents, date(2026, 10, 5), admin.id)
        rows = statements(db, "2026-10", cluster.id)[cluster.id].rows
        assert {(r["kind"], r["code"]): r["cents"] for r in rows} == {("success_fee", "706"): 480_000,
                                                                      ("success_fee", "44571"): 96_000}


def test_staff_declare_an_outcome_once_and_the_member_is_told_how_to_pay(app, client, db, factories):
    from marketplace.mail.models import OutboxEmail
    from tests.conftest import csrf_token, login
    from tests.factories import PASSWORD

    with app.test_request_context():
        cluster = factories.make_cluster(slug="neo")
        staff = factories.make_staff(cluster, "manager", email="gestion@neo.fr")
        member = factories.make_organization(name="Chantiers", email="achats@chantiers.fr")
        offer = factories.make_offer(cluster, kind="service", list_price_cents=150_000)
        agreement = SuccessFeeAgreement(cluster_id=cluster.id, offer_id=offer.id, organization_id=member.id,
                                        rate_bps=100, min_cents=50_000, cap_cents=None)
        db.add(agreement)
        db.commit()
    login(client, staff.email, PASSWORD)
    path = f"/console/clusters/neo/agreements/success/{agreement.id}"
    form = {"d-outcome": "Projet européen financé", "d-declared": "1 200 000", "d-idempotency_key": "declaration-1",
            "csrf_token": csrf_token(client, path)}
    assert client.post(path, data=form).status_code == 303
    assert client.post(path, data=form).status_code == 303  # the double submit
    assert client.post(path, data={**form, "d-declared": "zéro", "d-idempotency_key": "declaration-2"}
                       ).status_code == 422
    db.rollback()
    [order] = db.exec(select(Order)).all()
    assert order.total_excl_cents == 1_200_000 and order.billing_email == "achats@chantiers.fr"
    [email] = db.exec(select(OutboxEmail)).all()
    assert email.to_address == "achats@chantiers.fr" and order.payment_reference in email.body_text
    assert "12 000,00" in email.body_text.replace("\u202f", " ").replace("\xa0", " ")
