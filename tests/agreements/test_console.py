"""Agreements in the console: each operation has its own address, a refusal is shown on the page."""

from __future__ import annotations

from html import unescape

from sqlmodel import select

from marketplace.agreements.models import SuccessFeeAgreement, SupplierAgreement, SupplierPurchase
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def _setup(app, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="meca", name="Méca")
        staff = factories.make_staff(cluster, "manager", email="gestion@meca.fr")
        member = factories.make_organization(name="Forges de l'Ouest")
        factories.make_membership(member, cluster, factories.make_tier(cluster), year=2026, status="active")
        service = factories.make_offer(cluster, kind="service", list_price_cents=150_000)
    return cluster, staff, member, service


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/console/")})


def test_a_supplier_agreement_once_per_year_then_purchases(app, client, db, factories):
    cluster, staff, member, _service = _setup(app, factories)
    login(client, staff.email, PASSWORD)
    terms = {"a-supplier_name": "Énergie Plus", "a-year": "2026", "a-rebate_percent": "2,5"}
    created = _post(client, "/console/clusters/meca/agreements/suppliers", terms)
    assert created.status_code == 303
    again = _post(client, "/console/clusters/meca/agreements/suppliers", terms)
    assert again.status_code == 422 and "existe déjà" in again.get_data(as_text=True)
    db.rollback()
    [agreement] = db.exec(select(SupplierAgreement)).all()
    assert agreement.rebate_bps == 250 and created.headers["Location"].endswith(f"/supplier/{agreement.id}")
    purchases = f"/console/clusters/meca/agreements/supplier/{agreement.id}/purchases"
    assert _post(client, purchases, {"p-organization_id": str(member.id), "p-day": "2026-05-04",
                                     "p-amount": "1 250,50"}).status_code == 303
    wrong_year = _post(client, purchases, {"p-organization_id": str(member.id), "p-day": "2025-05-04",
                                           "p-amount": "10"})
    assert wrong_year.status_code == 422 and "doit dater de 2026" in wrong_year.get_data(as_text=True)
    db.rollback()
    assert [p.amount_cents for p in db.exec(select(SupplierPurchase))] == [125_050]


def test_a_year_end_step_refused_is_shown_on_the_agreement_page(app, client, db, factories):
    cluster, staff, _member, _service = _setup(app, factories)
    agreement = SupplierAgreement(cluster_id=cluster.id, supplier_name="Gaz Express", year=2099, rebate_bps=200)
    db.add(agreement)
    db.commit()
    login(client, staff.email, PASSWORD)
    base = f"/console/clusters/meca/agreements/supplier/{agreement.id}"
    closing = _post(client, f"{base}/close", {})
    assert closing.status_code == 422 and "2099 n'est pas terminée" in unescape(closing.get_data(as_text=True))
    sharing = _post(client, f"{base}/redistribute", {})
    assert sharing.status_code == 422 and "Calculez d'abord" in unescape(sharing.get_data(as_text=True))
    db.rollback()
    db.expire_all()
    assert db.get(SupplierAgreement, agreement.id).closed_on is None


def test_a_success_fee_agreement_whose_cap_is_below_its_minimum_is_refused(app, client, db, factories):
    _cluster, staff, member, service = _setup(app, factories)
    login(client, staff.email, PASSWORD)
    terms = {"s-organization_id": str(member.id), "s-offer_id": str(service.id), "s-rate_percent": "1,5",
             "s-minimum": "500", "s-cap": "400"}
    refused = _post(client, "/console/clusters/meca/agreements/success-fees", terms)
    assert refused.status_code == 422 and "plafond est inférieur" in refused.get_data(as_text=True)
    assert _post(client, "/console/clusters/meca/agreements/success-fees",
                 {**terms, "s-cap": "5 000"}).status_code == 303
    db.rollback()
    [agreement] = db.exec(select(SuccessFeeAgreement)).all()
    assert (agreement.rate_bps, agreement.min_cents, agreement.cap_cents) == (150, 50_000, 500_000)
