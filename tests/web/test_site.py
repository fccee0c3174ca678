"""Home page, health check, language switch, error pages, page-or-fragment."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from marketplace.auth.models import StaffRole, User
from marketplace.clusters.models import Cluster, Organization, Partnership
from marketplace.demo import CLUSTERS, load_demo
from marketplace.memberships.models import Membership, MembershipTier
from tests.conftest import csrf_token, login

NINE = ["Neopolia", "Mecabourg", "Cosmetic Valley", "Silicon Sentier", "Atlanpack", "Soliage", "PLAB", "EMC2",
        "Cluster Eco-Énergies"]


def _counts(db) -> dict[str, int]:
    return {model.__name__: db.exec(select(func.count()).select_from(model)).one()
            for model in (Cluster, MembershipTier, Partnership, Organization, Membership, User, StaffRole)}


def test_demo_loads_twice_without_duplicates(app, db):
    with app.test_request_context():
        load_demo(db)
        db.commit()
        first = _counts(db)
        load_demo(db)
        db.commit()
    assert _counts(db) == first
    assert first["Cluster"] == 9 and first["Organization"] >= 10 and first["Partnership"] >= 3


def test_home_lists_the_nine_clusters(app, db, client):
    with app.test_request_context():
        load_demo(db)
        db.commit()
    html = client.get("/").get_data(as_text=True)
    for name in NINE:
        assert f">{name}</a>" in html
    assert [c["name"] for c in CLUSTERS] and len(CLUSTERS) == 9


def test_demo_fee_grids_carry_the_published_figures(app, db):
    with app.test_request_context():
        load_demo(db)
        db.commit()

    def fee(slug, code):
        cluster = db.exec(select(Cluster).where(Cluster.slug == slug)).one()
        return db.exec(select(MembershipTier.fee_cents).where(MembershipTier.cluster_id == cluster.id,
                                                              MembershipTier.code == code)).one()

    assert fee("mecabourg", "classic-0") == 69500
    assert fee("mecabourg", "classic-31") == 189300
    assert fee("mecabourg", "classic-1001") == 969800
    assert fee("emc2", "partner") == 55000
    assert fee("emc2", "discovery") == 19000
    assert fee("emc2", "classic-0") == 19000 and fee("emc2", "classic-5000") == 599000
    assert fee("neopolia", "basic") == 50000 and fee("neopolia", "sector") == 150000


def test_cluster_page_shows_fee_grid_in_french_format(app, db, client):
    with app.test_request_context():
        load_demo(db)
        db.commit()
    html = client.get("/clusters/mecabourg").get_data(as_text=True)
    assert "9\u202f698,00\xa0€" in html or "9 698,00 €" in html.replace("\u202f", " ").replace("\xa0", " ")
    assert client.get("/clusters/nope").status_code == 404


def test_healthz_ok_and_unreachable_database(app, client):
    assert client.get("/healthz").status_code == 200
    app.config["DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_language_switch_to_english_and_back(client, factories):
    factories.make_cluster(name="Cluster Test")
    assert "Se connecter" in client.get("/").get_data(as_text=True)
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html
    client.get("/lang/fr?next=https://evil.example")
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_signed_in_language_choice_is_saved_on_the_account(client, db, factories):
    from marketplace.auth.models import User
    from tests.factories import PASSWORD

    user = factories.make_user("polyglotte@exemple.fr")
    login(client, user.email, PASSWORD)
    client.get("/lang/en")  # a link changes the session only
    db.rollback()  # end the read transaction and forget loaded rows: see what requests committed
    db.expire_all()
    assert db.get(User, user.id).language == "fr"
    response = client.post("/lang/en", data={"csrf_token": csrf_token(client, "/account"), "next": "/account"})
    assert response.status_code == 303
    db.rollback()  # end the read transaction and forget loaded rows: see what requests committed
    db.expire_all()
    assert db.get(User, user.id).language == "en"
    assert client.post("/lang/fr", data={"next": "/"}).status_code == 400  # no token, no change
    db.rollback()  # end the read transaction and forget loaded rows: see what requests committed
    db.expire_all()
    assert db.get(User, user.id).language == "en"


def test_browser_language_is_used_when_nothing_chosen(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_not_found_page_is_friendly(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_htmx_request_gets_the_fragment_and_vary_header(client, factories, db):
    from tests.conftest import login
    from tests.factories import PASSWORD

    cluster = factories.make_cluster(slug="cluster-a")
    staff = factories.make_staff(cluster, "admin")
    login(client, staff.email, PASSWORD)
    page = client.get("/console/clusters/cluster-a/members")
    fragment = client.get("/console/clusters/cluster-a/members", headers={"HX-Request": "true"})
    boosted = client.get("/console/clusters/cluster-a/members", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in page.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]
    assert "<html" not in fragment.get_data(as_text=True)
    assert 'id="members-table"' in fragment.get_data(as_text=True)
    assert "<html" in boosted.get_data(as_text=True)
