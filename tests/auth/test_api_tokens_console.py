"""Personal API tokens in the console: created with a name and shown once, revoked by their owner only."""

from __future__ import annotations

from sqlmodel import select

from marketplace.auth.models import ApiToken
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


def test_a_token_is_shown_once_and_revoked_by_its_owner(app, client, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster()
        staff = factories.make_staff(cluster, "manager", email="gestion@cluster.fr")
        other = factories.make_staff(cluster, "admin", email="direction@cluster.fr")
    login(client, staff.email, PASSWORD)
    token = csrf_token(client, "/console/tokens")
    unnamed = client.post("/console/tokens", data={"name": " ", "csrf_token": token})
    assert unnamed.status_code == 422 and "Donnez un nom au jeton" in unnamed.get_data(as_text=True)
    created = client.post("/console/tokens", data={"name": "CRM", "csrf_token": token})
    assert created.status_code == 200 and "Copiez ce jeton maintenant" in created.get_data(as_text=True)
    db.rollback()
    [record] = db.exec(select(ApiToken)).all()
    assert record.prefix in created.get_data(as_text=True) and record.user_id == staff.id
    client.post("/logout", data={"csrf_token": token})
    login(client, other.email, PASSWORD)
    assert client.post(f"/console/tokens/{record.id}/revoke",
                       data={"csrf_token": csrf_token(client, "/console/tokens")}).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client, "/console/tokens")})
    login(client, staff.email, PASSWORD)
    assert client.post(f"/console/tokens/{record.id}/revoke",
                       data={"csrf_token": csrf_token(client, "/console/tokens")}).status_code == 303
    db.rollback()
    db.expire_all()
    assert db.get(ApiToken, record.id).revoked_at is not None
