"""Permission matrix: every staff URL × every role. Refused requests change nothing in the database."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace.agreements.models import SuccessFeeAgreement, SupplierAgreement
from marketplace.checkout.models import OrderLine
from marketplace.core.timeutil import paris_today
from marketplace.events.models import Event
from marketplace.finances.models import Budget, BudgetAction
from marketplace.models import metadata
from marketplace.passes.models import PassBook
from marketplace.pools.models import PooledCost, PoolParticipant
from marketplace.rooms.models import RoomClosure, RoomPhoto, RoomQuote
from tests.conftest import PG_URL, csrf_token, login
from tests.factories import PASSWORD, make_siret
from tests.payments.camt_sample import entry, statement

ROLES = ["anonymous", "member", "staff_b", "manager_a", "staff_a", "platform_admin"]
ALLOW_ALL_STAFF_OF_A = {"staff_a", "manager_a", "platform_admin"}
ALLOW_ADMINS_OF_A = {"staff_a", "platform_admin"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _valid_forms(world) -> dict[str, dict]:
    return {
        "pool": dict(name="Graphiste partagé", kind="shared_function", provider=str(world["a"].id),
                     monthly_cost="1200", sharing_key="equal", usage_unit="hours", starts_on="2026-01-01"),
        "usage": {"u-cluster_id": str(world["a"].id), "u-day": "2026-11-03", "u-quantity": "2,5"},
        "participant": {"p-cluster_id": str(world["b"].id), "p-joined_on": "2026-11-01"},
        "close": dict(period="2026-10"),
        "fee": dict(offer=str(world["offer"].id), percent="2,5"),
        "supplier-agreement": {"a-supplier_name": "Énergie Plus", "a-year": "2026", "a-rebate_percent": "2,5"},
        "purchase": {"p-organization_id": str(world["membership"].organization_id),
                     "p-day": "2026-05-04", "p-amount": "1 250,00"},
        "success-agreement": {"s-organization_id": str(world["membership"].organization_id),
                              "s-offer_id": str(world["service"].id), "s-rate_percent": "1,5", "s-minimum": "500"},
        "declare": {"d-outcome": "Marché remporté", "d-declared": "480000", "d-idempotency_key": "cle-unique-1"},
        "edit": dict(slug="cluster-a", name="Cluster A renommé", legal_name="Association A", siret=make_siret(901),
                     vat_regime="liable", region="Bretagne", sector="Mer", staff_fte="3"),
        "members": dict(name="Nouvelle Entreprise", kind="company", siret=make_siret(902), headcount="10",
                        tier_id=str(world["tier_a"].id), year="2026", status="active"),
        "status": dict(status="expired"),
        "tiers": dict(code="premium", category="premium", name_fr="Premium", name_en="Premium",
                      min_headcount="0", fee="990"),
        "partnerships": dict(partner_id=str(world["b"].id), reciprocity_percent="12.5", own_share_percent="60"),
        "staff": dict(email="nouveau@cluster-a.fr", full_name="Nouveau", role="manager"),
        "new": dict(slug="cluster-z", name="Cluster Z", legal_name="Association Z", siret=make_siret(903),
                    vat_regime="liable", region="Corse", sector="Tourisme", staff_fte="1"),
        "offer-new": dict(kind="event_ticket", slug="journee-achats", title_fr="Journée achats",
                          title_en="Purchasing day", visibility="public", is_published="y",
                          starts_at="2026-10-08T09:00", ends_at="2026-10-08T17:30", list_price="120",
                          vat_rate="2000", member_discount="25", themes="achats, industrie"),
        "offer-edit": dict(kind="room", slug="salle-a", title_fr="Salle du cluster A (rénovée)",
                           title_en="Cluster A room", visibility="members", list_price="300", vat_rate="2000",
                           member_discount="30"),
        "variant": dict(variant_code="forfait-seminaire", variant_label_fr="Forfait séminaire",
                        variant_label_en="Seminar package", variant_list_price="650", variant_units="1"),
        "rate": dict(rate_day_type="saturday", rate_slot="half_day", rate_min_people="1", rate_max_people="30",
                     rate_price="250"),
        "empty": {},
        "token": dict(name="CRM"),
        "renewals": dict(year="2027", index="2,5"),
        "review": dict(reason="Aucun lien avec le cluster : validé en bureau."),
        "event": dict(slug="journee-achats", title_fr="Journée achats", title_en="Purchasing day",
                      starts_at="2027-05-04T09:00", ends_at="2027-05-04T18:00", capacity="100"),
        "event-days": dict(days="04/05/2027 09:00-18:00"),
        "cancel": dict(reason="Salle indisponible.", confirm="y"),
        "exclusion": dict(siret=make_siret(905), name="Fournisseur exclu"),
        "import": {"file": (io.BytesIO(f"nom;type;siret;effectif;annee;formule\nImport SARL;entreprise;"
                                       f"{make_siret(904)};5;2027;classic\n".encode()), "adherents.csv")},
        "refund": dict(amount="10", reason="Geste commercial"),
        "budget": {"members": "12", "forecast_region": "50 000", "forecast_membership_fees": "50000",
                   "forecast_operations": "100000", "hourly_cost": "45"},
        "action": dict(name="Salon collectif", category="C", public_cap="75", offer_id="", staff_hours="10",
                       direct_costs="1000", subsidy="750", price="100"),
        "budget-import": {"file": (io.BytesIO("annee;scenario;origine;montant\n2026;prévu;region;1000\n".encode()),
                                   "budget.csv")},
        "manual-payment": dict(order_number=world["pending"].number, amount="36", booked_on=paris_today().isoformat()),
        "space": dict(capacity="40", equipment="Écran", buffer_minutes="30", cancel_free_days="7", cancel_fee="25",
                      horizon_days="365"),
        "hours": dict(hours="lundi 09:00-18:00\nmardi 09:00-18:00"),
        "closure": dict(day="2027-12-24", reason="Veille de Noël"),
        "proposal": dict(price="3 200", note="Traiteur en sus."),
        "desk": dict(validity_months="6", desk_code="ACCUEIL"),
        "photo": {"photo": (io.BytesIO(_jpeg()), "salle.jpg"), "caption": "Vue de la salle"},
        "statement": {"statement": (io.BytesIO(statement(entry("BANK-1", world["pending"].total_incl_cents,
                                                               world["pending"].payment_reference))), "releve.xml")},
    }


# (name, method, path template, who may, form key)
MATRIX = [
    ("home", "GET", "/console/clusters/{a}/", ALLOW_ALL_STAFF_OF_A, None),
    ("edit-page", "GET", "/console/clusters/{a}/edit", ALLOW_ADMINS_OF_A, None),
    ("edit", "POST", "/console/clusters/{a}/edit", ALLOW_ADMINS_OF_A, "edit"),
    ("members-page", "GET", "/console/clusters/{a}/members", ALLOW_ALL_STAFF_OF_A, None),
    ("members", "POST", "/console/clusters/{a}/members", ALLOW_ALL_STAFF_OF_A, "members"),
    ("status", "POST", "/console/clusters/{a}/memberships/{membership}/status", ALLOW_ALL_STAFF_OF_A, "status"),
    ("events-page", "GET", "/console/clusters/{a}/events", ALLOW_ALL_STAFF_OF_A, None),
    ("event-new", "POST", "/console/clusters/{a}/events/new", ALLOW_ALL_STAFF_OF_A, "event"),
    ("event-page", "GET", "/console/clusters/{a}/events/{event}", ALLOW_ALL_STAFF_OF_A, None),
    ("event-days", "POST", "/console/clusters/{a}/events/{event}/days", ALLOW_ALL_STAFF_OF_A, "event-days"),
    ("event-cancel", "POST", "/console/clusters/{a}/events/{event}/cancel", ALLOW_ADMINS_OF_A, "cancel"),
    ("exclusions-page", "GET", "/console/clusters/{a}/sponsor-exclusions", ALLOW_ALL_STAFF_OF_A, None),
    ("exclusion-add", "POST", "/console/clusters/{a}/sponsor-exclusions", ALLOW_ADMINS_OF_A, "exclusion"),
    ("event-sales", "GET", "/console/clusters/{a}/events/{event}/sales", ALLOW_ALL_STAFF_OF_A, None),
    ("exhibitors-csv", "GET", "/console/clusters/{a}/events/{event}/exhibitors.csv", ALLOW_ALL_STAFF_OF_A, None),
    ("checkin-page", "GET", "/console/clusters/{a}/events/{event}/checkin", ALLOW_ALL_STAFF_OF_A, None),
    ("checkin-counts", "GET", "/console/clusters/{a}/events/{event}/checkin/counts", ALLOW_ALL_STAFF_OF_A, None),
    ("attendees-csv", "GET", "/console/clusters/{a}/events/{event}/attendees.csv", ALLOW_ALL_STAFF_OF_A, None),
    ("renewals-page", "GET", "/console/clusters/{a}/renewals?year=2027&index=2,5", ALLOW_ALL_STAFF_OF_A, None),
    ("renewals", "POST", "/console/clusters/{a}/renewals", ALLOW_ADMINS_OF_A, "renewals"),
    ("register-import-page", "GET", "/console/clusters/{a}/members/import", ALLOW_ALL_STAFF_OF_A, None),
    ("register-import", "POST", "/console/clusters/{a}/members/import", ALLOW_ADMINS_OF_A, "import"),
    ("register-export", "GET", "/console/clusters/{a}/members/export.csv?year=2026", ALLOW_ALL_STAFF_OF_A, None),
    ("tiers-page", "GET", "/console/clusters/{a}/tiers", ALLOW_ALL_STAFF_OF_A, None),
    ("tiers", "POST", "/console/clusters/{a}/tiers", ALLOW_ADMINS_OF_A, "tiers"),
    ("partnerships-page", "GET", "/console/clusters/{a}/partnerships", ALLOW_ALL_STAFF_OF_A, None),
    ("partnerships", "POST", "/console/clusters/{a}/partnerships", ALLOW_ADMINS_OF_A, "partnerships"),
    ("staff-page", "GET", "/console/clusters/{a}/staff", ALLOW_ALL_STAFF_OF_A, None),
    ("staff", "POST", "/console/clusters/{a}/staff", ALLOW_ADMINS_OF_A, "staff"),
    ("offers-page", "GET", "/console/clusters/{a}/offers", ALLOW_ALL_STAFF_OF_A, None),
    ("offer-new-page", "GET", "/console/clusters/{a}/offers/new", ALLOW_ALL_STAFF_OF_A, None),
    ("offer-new", "POST", "/console/clusters/{a}/offers/new", ALLOW_ALL_STAFF_OF_A, "offer-new"),
    ("offer-edit-page", "GET", "/console/clusters/{a}/offers/{offer}", ALLOW_ALL_STAFF_OF_A, None),
    ("offer-edit", "POST", "/console/clusters/{a}/offers/{offer}", ALLOW_ALL_STAFF_OF_A, "offer-edit"),
    ("offer-publish", "POST", "/console/clusters/{a}/offers/{offer}/publish", ALLOW_ALL_STAFF_OF_A, "empty"),
    ("variant-add", "POST", "/console/clusters/{a}/offers/{offer}/variants", ALLOW_ALL_STAFF_OF_A, "variant"),
    ("variant-delete", "POST", "/console/clusters/{a}/offers/{offer}/variants/{variant}/delete",
     ALLOW_ALL_STAFF_OF_A, "empty"),
    ("rate-add", "POST", "/console/clusters/{a}/offers/{offer}/rates", ALLOW_ALL_STAFF_OF_A, "rate"),
    ("rate-delete", "POST", "/console/clusters/{a}/offers/{offer}/rates/{rate}/delete", ALLOW_ALL_STAFF_OF_A,
     "empty"),
    ("orders-page", "GET", "/console/clusters/{a}/orders", ALLOW_ALL_STAFF_OF_A, None),
    ("order-approve", "POST", "/console/clusters/{a}/orders/{review}/approve", ALLOW_ALL_STAFF_OF_A, "review"),
    ("order-reject", "POST", "/console/clusters/{a}/orders/{review}/reject", ALLOW_ALL_STAFF_OF_A, "review"),
    ("payments-page", "GET", "/console/payments", {"platform_admin"}, None),
    ("payment-record", "POST", "/console/payments/manual", {"platform_admin"}, "manual-payment"),
    ("statement-import", "POST", "/console/payments/statements", {"platform_admin"}, "statement"),
    ("tokens-page", "GET", "/console/tokens", ALLOW_ALL_STAFF_OF_A | {"staff_b"}, None),
    ("token-create", "POST", "/console/tokens", ALLOW_ALL_STAFF_OF_A | {"staff_b"}, "token"),
    ("refund", "POST", "/console/orders/{paid}/refund", {"platform_admin"}, "refund"),
    ("fec", "GET", "/console/clusters/{a}/fec/2026", ALLOW_ADMINS_OF_A, None),
    ("new-cluster-page", "GET", "/console/clusters/new", {"platform_admin"}, None),
    ("new-cluster", "POST", "/console/clusters/new", {"platform_admin"}, "new"),
    ("pools-page", "GET", "/console/pools", ALLOW_ALL_STAFF_OF_A | {"staff_b"}, None),
    ("pool-new", "POST", "/console/pools", {"platform_admin"}, "pool"),
    ("pool-page", "GET", "/console/pools/{pool}", ALLOW_ALL_STAFF_OF_A, None),
    ("pool-usage", "POST", "/console/pools/{pool}/usage", ALLOW_ALL_STAFF_OF_A, "usage"),
    ("pool-participant", "POST", "/console/pools/{pool}/participants", {"platform_admin"}, "participant"),
    ("cluster-settlements", "GET", "/console/clusters/{a}/settlements", ALLOW_ALL_STAFF_OF_A, None),
    ("statement", "GET", "/console/clusters/{a}/settlements/2026-10", ALLOW_ALL_STAFF_OF_A, None),
    ("statement-pdf", "GET", "/console/clusters/{a}/settlements/2026-10.pdf", ALLOW_ALL_STAFF_OF_A, None),
    ("statement-csv", "GET", "/console/clusters/{a}/settlements/2026-10.csv", ALLOW_ALL_STAFF_OF_A, None),
    ("ledger-of-a", "GET", "/console/ledger?cluster={a}", ALLOW_ALL_STAFF_OF_A, None),
    ("ledger-of-federation", "GET", "/console/ledger", {"platform_admin"}, None),
    ("settlements-csv", "GET", "/console/settlements/2026-10.csv", {"platform_admin"}, None),
    ("audit-of-a", "GET", "/console/clusters/{a}/audit", ALLOW_ADMINS_OF_A, None),
    ("audit-federation", "GET", "/console/audit", {"platform_admin"}, None),
    ("settlement-close", "POST", "/console/settlements/close", {"platform_admin"}, "close"),
    ("fees-page", "GET", "/console/platform-fees", {"platform_admin"}, None),
    ("fees", "POST", "/console/platform-fees", {"platform_admin"}, "fee"),
    ("agreements-page", "GET", "/console/clusters/{a}/agreements", ALLOW_ALL_STAFF_OF_A, None),
    ("agreement-new", "POST", "/console/clusters/{a}/agreements/suppliers", ALLOW_ALL_STAFF_OF_A,
     "supplier-agreement"),
    ("success-agreement-new", "POST", "/console/clusters/{a}/agreements/success-fees", ALLOW_ALL_STAFF_OF_A,
     "success-agreement"),
    ("supplier-page", "GET", "/console/clusters/{a}/agreements/supplier/{supplier}", ALLOW_ALL_STAFF_OF_A, None),
    ("supplier-purchase", "POST", "/console/clusters/{a}/agreements/supplier/{supplier}/purchases",
     ALLOW_ALL_STAFF_OF_A, "purchase"),
    ("success-page", "GET", "/console/clusters/{a}/agreements/success/{success}", ALLOW_ALL_STAFF_OF_A, None),
    ("success-declare", "POST", "/console/clusters/{a}/agreements/success/{success}", ALLOW_ALL_STAFF_OF_A,
     "declare"),
    ("room-space-page", "GET", "/console/clusters/{a}/rooms/{offer}", ALLOW_ALL_STAFF_OF_A, None),
    ("room-settings", "POST", "/console/clusters/{a}/rooms/{offer}/settings", ALLOW_ALL_STAFF_OF_A, "space"),
    ("room-hours", "POST", "/console/clusters/{a}/rooms/{offer}/hours", ALLOW_ALL_STAFF_OF_A, "hours"),
    ("room-closure", "POST", "/console/clusters/{a}/rooms/{offer}/closures", ALLOW_ALL_STAFF_OF_A, "closure"),
    ("room-closure-delete", "POST", "/console/clusters/{a}/rooms/{offer}/closures/{closure}/delete",
     ALLOW_ALL_STAFF_OF_A, "empty"),
    ("room-quote-propose", "POST", "/console/clusters/{a}/rooms/{offer}/quotes/{quote}", ALLOW_ALL_STAFF_OF_A,
     "proposal"),
    ("room-photo-add", "POST", "/console/clusters/{a}/rooms/{offer}/photos", ALLOW_ALL_STAFF_OF_A, "photo"),
    ("room-photo-delete", "POST", "/console/clusters/{a}/rooms/{offer}/photos/{photo}/delete", ALLOW_ALL_STAFF_OF_A,
     "empty"),
    ("desk-page", "GET", "/console/clusters/{a}/desk?q=membre", ALLOW_ALL_STAFF_OF_A, None),
    ("desk-use", "POST", "/console/clusters/{a}/desk/books/{book}/use", ALLOW_ALL_STAFF_OF_A, "empty"),
    ("desk-settings", "POST", "/console/clusters/{a}/desk/spaces/{coworking}", ALLOW_ALL_STAFF_OF_A, "desk"),
    ("finances", "GET", "/console/clusters/{a}/finances?year=2026", ALLOW_ALL_STAFF_OF_A, None),
    ("finances-budget-page", "GET", "/console/clusters/{a}/finances/2026/budget", ALLOW_ADMINS_OF_A, None),
    ("finances-budget", "POST", "/console/clusters/{a}/finances/2026/budget", ALLOW_ADMINS_OF_A, "budget"),
    ("finances-action", "POST", "/console/clusters/{a}/finances/2026/actions", ALLOW_ADMINS_OF_A, "action"),
    ("finances-action-delete", "POST", "/console/clusters/{a}/finances/2026/actions/{action}/delete",
     ALLOW_ADMINS_OF_A, "empty"),
    ("finances-import-page", "GET", "/console/clusters/{a}/finances/import", ALLOW_ALL_STAFF_OF_A, None),
    ("finances-import", "POST", "/console/clusters/{a}/finances/import", ALLOW_ADMINS_OF_A, "budget-import"),
    ("finances-budget-csv", "GET", "/console/clusters/{a}/finances/2026/budget.csv", ALLOW_ALL_STAFF_OF_A, None),
    ("finances-history-csv", "GET", "/console/clusters/{a}/finances/history.csv", ALLOW_ALL_STAFF_OF_A, None),
    ("finances-actions-csv", "GET", "/console/clusters/{a}/finances/2026/actions.csv", ALLOW_ALL_STAFF_OF_A, None),
    ("finances-report", "GET", "/console/clusters/{a}/finances/2026/report.pdf", ALLOW_ALL_STAFF_OF_A, None),
    ("federation-finances-csv", "GET", "/console/finances/2026.csv", {"platform_admin"}, None),
]


@pytest.fixture
def world(factories):
    a = factories.make_cluster(slug="cluster-a", name="Cluster A")
    b = factories.make_cluster(slug="cluster-b", name="Cluster B")
    tier_a = factories.make_tier(a, code="classic", max_headcount=None)
    organization = factories.make_organization(name="Membre de A", headcount=12)
    membership = factories.make_membership(organization, a, tier_a, year=2026, status="active")
    users = {
        "member": factories.make_user("membre@exemple.fr", organization_id=organization.id),
        "staff_a": factories.make_staff(a, "admin", email="admin@cluster-a.fr"),
        "manager_a": factories.make_staff(a, "manager", email="gestion@cluster-a.fr"),
        "staff_b": factories.make_staff(b, "admin", email="admin@cluster-b.fr"),
        "platform_admin": factories.make_user("plateforme@federation.fr", is_platform_admin=True),
    }
    offer = factories.make_offer(a, kind="room", slug="salle-a", title_fr="Salle du cluster A",
                                 title_en="Cluster A room", list_price_cents=30000, member_discount_bps=3000)
    service = factories.make_offer(a, kind="service", slug="accompagnement-export", list_price_cents=150_000)
    variant = factories.make_variant(offer, code="journee", label_fr="Journée", label_en="Day")
    rate = factories.make_room_rate(offer, day_type="weekday", slot="full_day", min_people=1, max_people=30)
    sponsorship = factories.make_offer(a, kind="sponsorship", capacity=2, list_price_cents=500000)
    review = factories.make_order(sponsorship, status="awaiting_approval", organization_id=organization.id)
    pending = factories.make_order(factories.make_offer(a, list_price_cents=3000))
    paid = factories.make_order(factories.make_offer(a, list_price_cents=5000), status="paid", paid_cents=6000)
    pool = PooledCost(name="Veille partagée", kind="strategic_purchase", supplier_name="Veille SA",
                      monthly_cost_cents=30000, sharing_key="usage", starts_on=date(2026, 10, 1))
    factories.db.add(pool)
    factories.db.flush()
    factories.db.add(PoolParticipant(pooled_cost_id=pool.id, cluster_id=a.id, joined_on=date(2026, 1, 1)))
    factories.db.commit()
    supplier = SupplierAgreement(cluster_id=a.id, supplier_name="Gaz Express", year=2026, rebate_bps=200)
    success = SuccessFeeAgreement(cluster_id=a.id, offer_id=offer.id, organization_id=organization.id, rate_bps=100)
    factories.db.add_all([supplier, success])
    event = Event(cluster_id=a.id, slug="salon-a", title_fr="Salon A", title_en="Show A",
                  starts_at=datetime(2027, 3, 1, 8, tzinfo=UTC), ends_at=datetime(2027, 3, 1, 17, tzinfo=UTC))
    factories.db.add(event)
    coworking = factories.make_offer(a, kind="coworking", slug="coworking-a", list_price_cents=700)
    budget = Budget(cluster_id=a.id, year=2026, hourly_cost_cents=4500)
    factories.db.add(budget)
    factories.db.flush()
    action = BudgetAction(budget_id=budget.id, name="Mission export", category="B", direct_costs_cents=100_000)
    factories.db.add(action)
    closure = RoomClosure(offer_id=offer.id, day=date(2027, 8, 15), reason="Assomption")
    quote = RoomQuote(offer_id=offer.id, day=date(2027, 6, 3), slot="full_day", people=150, name="Grande Conf",
                      email="conf@exemple.fr", token="jeton-de-devis")
    line = factories.db.exec(select(OrderLine).where(OrderLine.order_id == paid.id)).scalars().first()
    book = PassBook(offer_id=coworking.id, order_line_id=line.id, label="Demi-journée", holder_name="Membre de A",
                    holder_email="membre@exemple.fr", code="CARNET-A", units=10,
                    expires_at=datetime(2099, 1, 1, tzinfo=UTC))
    photo = RoomPhoto(offer_id=offer.id, data=_jpeg(), caption="Salle")
    factories.db.add_all([closure, quote, book, photo])
    factories.db.commit()
    return dict(action=action, photo=photo, closure=closure, quote=quote, book=book, coworking=coworking, event=event, supplier=supplier, success=success, pool=pool, service=service, a=a, b=b, tier_a=tier_a, membership=membership, users=users, offer=offer, variant=variant,
                rate=rate, review=review, pending=pending, paid=paid)


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, read on a fresh connection."""
    with db.get_bind().connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(
            select(table).order_by(*table.primary_key.columns)).all()] for table in metadata.sorted_tables}


# Who may do what is decided in Python, never by the database: the 500-case matrix runs once, on SQLite.
@pytest.mark.skipif(bool(PG_URL), reason="permissions do not depend on the database (the matrix runs on SQLite)")
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,path,allowed,form_key", MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, db, world, role, name, method, path, allowed, form_key):
    if role != "anonymous":
        assert login(client, world["users"][role].email, PASSWORD).status_code == 303
    url = path.format(a=world["a"].slug, membership=world["membership"].id, offer=world["offer"].id,
                      variant=world["variant"].id, rate=world["rate"].id, review=world["review"].id,
                      paid=world["paid"].id, pool=world["pool"].id,
                      supplier=world["supplier"].id, success=world["success"].id, event=world["event"].id,
                      closure=world["closure"].id, quote=world["quote"].id, book=world["book"].id,
                      coworking=world["coworking"].id, photo=world["photo"].id,
                      action=world["action"].id)
    before = snapshot(db)
    if method == "GET":
        response = client.get(url)
    else:
        data = {**_valid_forms(world)[form_key], "csrf_token": csrf_token(client, "/")}
        response = client.post(url, data=data)

    if role == "anonymous":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    elif role in allowed:
        shows_result = method == "GET" or name == "token-create"  # a new token is shown once, not redirected
        assert response.status_code == (200 if shows_result else 303), response.get_data(as_text=True)[:2000]
    else:
        assert response.status_code == 403
    if method == "GET" or role not in allowed:
        assert snapshot(db) == before, "a refused or read-only request changed the database"
    else:
        assert snapshot(db) != before, "an allowed write changed nothing"


def test_dashboard_lists_only_own_clusters(client, world):
    login(client, world["users"]["staff_b"].email, PASSWORD)
    html = client.get("/console/").get_data(as_text=True)
    assert "Cluster B" in html and "Cluster A" not in html


def test_platform_admin_dashboard_lists_every_cluster(client, world):
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    html = client.get("/console/").get_data(as_text=True)
    assert "Cluster A" in html and "Cluster B" in html


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_console_dashboard_refused_to_non_staff(client, world, role):
    if role != "anonymous":
        login(client, world["users"][role].email, PASSWORD)
    response = client.get("/console/")
    assert response.status_code == (302 if role == "anonymous" else 403)


def test_status_of_another_clusters_membership_is_not_found(client, db, world, factories):
    """Staff of B cannot reach A's membership through B's URL either."""
    login(client, world["users"]["staff_b"].email, PASSWORD)
    before = snapshot(db)
    response = client.post(f"/console/clusters/{world['b'].slug}/memberships/{world['membership'].id}/status",
                           data={"status": "excluded", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404
    assert snapshot(db) == before


@pytest.mark.parametrize("method,suffix", [("GET", ""), ("POST", ""), ("POST", "/publish"), ("POST", "/variants"),
                                           ("POST", "/variants/{variant}/delete"), ("POST", "/rates"),
                                           ("POST", "/rates/{rate}/delete")])
def test_another_clusters_offer_is_not_found_through_own_url(client, db, world, method, suffix):
    """Staff of B reach nothing of A's offer through B's console, not even its existence."""
    login(client, world["users"]["staff_b"].email, PASSWORD)
    url = (f"/console/clusters/{world['b'].slug}/offers/{world['offer'].id}"
           + suffix.format(variant=world["variant"].id, rate=world["rate"].id))
    before = snapshot(db)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={**_valid_forms(world)["offer-edit"], **_valid_forms(world)["variant"],
                                          **_valid_forms(world)["rate"], "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404
    assert snapshot(db) == before


def test_variant_of_another_offer_is_not_found(client, db, world, factories):
    other = factories.make_offer(world["a"], slug="autre-offre")
    login(client, world["users"]["manager_a"].email, PASSWORD)
    before = snapshot(db)
    response = client.post(f"/console/clusters/{world['a'].slug}/offers/{other.id}/variants/"
                           f"{world['variant'].id}/delete", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404
    assert snapshot(db) == before
