"""Renewals: the run (preview, indexing, once), reminders by the worker (once each), lapse after the grace period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from marketplace.checkout.models import Order
from marketplace.core.errors import Conflict
from marketplace.core.timeutil import paris_today, utcnow
from marketplace.mail.models import OutboxEmail
from marketplace.memberships.models import Membership, RenewalRun
from marketplace.memberships.renewals import grace_end, indexed, renewal_preview, run_renewals
from marketplace.memberships.rules import OUT_OF_SCOPE
from marketplace.payments.services import record_manual_payment
from marketplace.pricing.services import price_offer
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

YEAR = paris_today().year


@pytest.mark.parametrize(("fee", "index_bps", "expected"), [
    (189_300, 250, 194_000),   # 1 940,33 € → 1 940 €
    (69_500, 180, 70_800),     # 707,51 € → 708 €
    (100_000, 5, 100_100),     # 1 000,50 € → 1 001 € (half up)
    (969_800, 0, 969_800),
    (19_000, -1000, 17_100),
])
def test_an_indexed_fee_is_rounded_to_the_euro(fee, index_bps, expected):
    assert indexed(fee, index_bps) == expected


def test_grace_runs_from_the_start_of_the_year_or_from_the_call():
    assert grace_end(2027, date(2026, 11, 20), 60) == date(2027, 3, 2)
    assert grace_end(2027, date(2027, 2, 1), 60) == date(2027, 4, 2)


@pytest.fixture
def grid(app, db, factories):
    cluster = factories.make_cluster(slug="meca", name="Mecabourg")
    tiers = {code: factories.make_tier(cluster, code=code, name_fr=name, min_headcount=low, max_headcount=high,
                                       fee_cents=fee, category=category, max_years=years)
             for code, name, low, high, fee, category, years in (
                 ("classic-0", "Moins de 5 salariés", 0, 4, 69_500, "classic", None),
                 ("classic-31", "31 à 40 salariés", 31, 40, 189_300, "classic", None),
                 ("discovery", "Découverte", 0, None, 19_000, "discovery", 1))}
    event = factories.make_offer(cluster, kind="event_ticket", list_price_cents=20_000, member_price_cents=5_000)
    members = {}
    for name, headcount, code, status in (("Usinage", 35, "classic-31", "active"), ("Jeune Pousse", 3, "discovery",
                                          "active"), ("Ancien", 2, "classic-0", "expired"),
                                          ("Parti", 3, "classic-0", "lapsed")):
        organization = factories.make_organization(name=name, headcount=headcount, email=f"{name[:3].lower()}@x.fr")
        factories.make_membership(organization, cluster, tiers[code], year=YEAR - 1, status=status)
        members[name] = organization
    admin = factories.make_staff(cluster, "admin", email="admin@meca.fr")
    return dict(cluster=cluster, tiers=tiers, members=members, event=event, admin=admin)


def _renew(app, db, grid, index_bps=250, year=YEAR):
    with app.test_request_context():
        run = run_renewals(db, grid["cluster"], year, index_bps, grid["admin"].id, utcnow(), 60, app.config)
        db.commit()
    return run


def _count(db, model, *where) -> int:
    db.rollback()
    db.expire_all()
    return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_preview_lists_last_years_members_with_next_years_indexed_fee(app, db, grid):
    with app.test_request_context():
        lines = {line.organization.name: line for line in renewal_preview(db, grid["cluster"], YEAR, 250)}
    assert set(lines) == {"Usinage", "Jeune Pousse", "Ancien"}  # a lapsed membership is no member
    assert (lines["Usinage"].tier.code, lines["Usinage"].fee_cents) == ("classic-31", 194_000)
    assert (lines["Jeune Pousse"].tier.code, lines["Jeune Pousse"].fee_cents) == ("classic-0", 71_200)  # after discovery
    assert _count(db, Order) == 0  # a preview raises nothing


def test_the_run_raises_one_order_per_member_once(app, client, db, grid):
    run = _renew(app, db, grid)
    assert run.renewals == 3
    orders = db.exec(select(Order).order_by(Order.id)).all()
    assert sorted(o.total_incl_cents for o in orders) == [71_200, 71_200, 194_000]
    assert all(o.total_vat_cents == 0 and o.organization_id for o in orders)
    pending = db.exec(select(Membership).where(Membership.year == YEAR)).all()
    assert {m.status for m in pending} == {"pending"} and all(m.order_id and m.renewal_of_id for m in pending)
    assert _count(db, OutboxEmail, OutboxEmail.subject.contains("Renouvellement")) == 3
    assert "Référence (obligatoire) : RF" in db.exec(select(OutboxEmail.body_text)).first()
    with pytest.raises(Conflict):
        _renew(app, db, grid)
    db.rollback()
    assert (_count(db, Order), _count(db, RenewalRun)) == (3, 1)
    # the console says so too, and a confirmed page posted twice raises nothing more
    login(client, "admin@meca.fr", PASSWORD)
    again = client.post("/console/clusters/meca/renewals", data={"year": YEAR, "index": "2,5",
                                                                 "csrf_token": csrf_token(client)})
    assert again.status_code == 422 and "déjà été lancés" in again.get_data(as_text=True).replace("&#39;", "'")
    assert _count(db, Order) == 3


def test_a_member_keeps_member_prices_while_paying_then_pays(app, db, grid):
    _renew(app, db, grid)
    usinage = grid["members"]["Usinage"]
    with app.test_request_context():
        assert price_offer(db, grid["event"], grid["cluster"], usinage.id, 1, {}).lines[0].unit_price_cents == 5_000
        membership = db.exec(select(Membership).where(Membership.organization_id == usinage.id,
                                                      Membership.year == YEAR)).one()
        order = db.get(Order, membership.order_id)
        line_mention = db.exec(select(Order).where(Order.id == order.id)).one()
        assert line_mention.total_vat_cents == 0
        record_manual_payment(db, order, order.total_incl_cents, paris_today(), grid["admin"].id)
        db.commit()
    assert _count(db, Membership, Membership.id == membership.id, Membership.status == "active") == 1
    assert OUT_OF_SCOPE


def _worker(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def _age(db, days: int) -> None:
    """The renewal orders were raised `days` ago."""
    db.rollback()
    for order in db.exec(select(Order)).all():
        order.created_at = utcnow() - timedelta(days=days)
        db.add(order)
    db.commit()


def test_reminders_go_at_their_delays_once_each_even_when_the_worker_runs_twice(app, db, grid):
    _renew(app, db, grid)
    reminders = (OutboxEmail.subject.contains("Relance"),)
    _worker(app)
    assert _count(db, OutboxEmail, *reminders) == 0  # too early
    _age(db, 16)
    _worker(app)
    _worker(app)
    assert _count(db, OutboxEmail, *reminders) == 3
    assert {m.reminders_sent for m in db.exec(select(Membership).where(Membership.year == YEAR))} == {1}
    _age(db, 31)
    _worker(app)
    _worker(app)
    assert _count(db, OutboxEmail, *reminders) == 6
    assert "relance n° 2" in db.exec(select(OutboxEmail.body_text).where(*reminders).order_by(OutboxEmail.id.desc())).first()


def test_a_paid_renewal_gets_no_reminder(app, db, grid):
    _renew(app, db, grid)
    order = db.exec(select(Order)).first()
    with app.test_request_context():
        record_manual_payment(db, order, order.total_incl_cents, paris_today(), grid["admin"].id)
        db.commit()
    _age(db, 16)
    _worker(app)
    assert _count(db, OutboxEmail, OutboxEmail.subject.contains("Relance")) == 2


def test_after_the_grace_period_an_unpaid_renewal_lapses_and_member_prices_stop(app, db, grid):
    _renew(app, db, grid)
    usinage = grid["members"]["Usinage"]
    membership = db.exec(select(Membership).where(Membership.organization_id == usinage.id,
                                                  Membership.year == YEAR)).one()
    membership.grace_until = paris_today() - timedelta(days=1)
    order = db.get(Order, membership.order_id)
    order.hold_expires_at = utcnow() - timedelta(minutes=1)
    db.add_all([membership, order])
    db.commit()
    _worker(app)
    _worker(app)
    db.rollback()
    db.expire_all()
    assert db.get(Membership, membership.id).status == "lapsed"
    assert db.get(Order, order.id).status == "expired"
    with app.test_request_context():
        assert price_offer(db, grid["event"], grid["cluster"], usinage.id, 1, {}).lines[0].unit_price_cents == 20_000


def test_the_console_previews_runs_and_lists_late_payers(app, client, db, grid, factories):
    factories.make_staff(grid["cluster"], "manager", email="gestion@meca.fr")
    login(client, "gestion@meca.fr", PASSWORD)
    preview = client.get(f"/console/clusters/meca/renewals?year={YEAR}&index=2,5").get_data(as_text=True)
    assert "1 940,00" in preview.replace("\u202f", " ").replace("\xa0", " ")
    refused = client.post("/console/clusters/meca/renewals", data={"year": YEAR, "index": "2,5",
                                                                   "csrf_token": csrf_token(client)})
    assert refused.status_code == 403 and _count(db, Order) == 0
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "admin@meca.fr", PASSWORD)
    done = client.post("/console/clusters/meca/renewals", data={"year": YEAR, "index": "2,5",
                                                                "csrf_token": csrf_token(client)})
    assert done.status_code == 303 and _count(db, Order) == 3
    page = client.get(f"/console/clusters/meca/renewals?year={YEAR}").get_data(as_text=True)
    assert "Retards de paiement" in page and "Usinage" in page and "1 940,00" in page.replace("\xa0", " ").replace(
        "\u202f", " ")
