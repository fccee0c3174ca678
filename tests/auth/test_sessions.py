"""Sessions end on the server: at sign-out, after idle time or a maximum age, with the password; the cookie
names an opaque session, and signing in starts a new one with a new CSRF token."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlmodel import select

from marketplace.auth.models import LoginSession
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


@pytest.fixture
def member(factories):
    return factories.make_user("membre@exemple.fr", full_name="Membre")


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _session_data(app, cookie: str) -> dict:
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app, client, member):
    login(client, member.email, PASSWORD)
    stolen = _cookie(client)
    assert _with_cookie(app, stolen).get("/account").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _with_cookie(app, stolen).get("/account").status_code == 302


def test_an_idle_session_ends(app, client, member):
    app.config["SESSION_IDLE_MINUTES"] = 30
    login(client, member.email, PASSWORD)
    with client.session_transaction() as session:
        session["_seen"] = int(time.time()) - 29 * 60
    assert client.get("/account").status_code == 200  # and the request counts as activity
    with client.session_transaction() as session:
        assert session["_seen"] >= int(time.time()) - 5
        session["_seen"] = int(time.time()) - 31 * 60
    assert client.get("/account").status_code == 302


def test_a_session_ends_after_its_maximum_age_however_active(app, client, db, member):
    login(client, member.email, PASSWORD)
    login_session = db.exec(select(LoginSession)).one()
    login_session.created_at -= timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    db.add(login_session)
    db.commit()
    assert client.get("/account").status_code == 302


def test_the_cookie_names_an_opaque_session_not_the_user_nor_the_password(app, client, db, member):
    login(client, member.email, PASSWORD)
    data = _session_data(app, _cookie(client))
    token = data["_user_id"]
    assert str(member.id) != token and member.password_hash[-12:] not in token and len(token) >= 40
    assert member.password_hash[-12:] not in str(data)
    assert db.exec(select(LoginSession)).one().token_hash != token  # only a hash is stored


def test_signing_in_starts_a_new_session_and_csrf_token(app, client, member):
    before = csrf_token(client)
    cookie_before = _session_data(app, _cookie(client))
    login(client, member.email, PASSWORD)
    after = _session_data(app, _cookie(client))
    assert after.get("csrf_token") != cookie_before.get("csrf_token")
    response = client.post("/account", data={"full_name": "Autre", "language": "fr", "csrf_token": before})
    assert response.status_code == 400  # the token of the signed-out visitor is no longer valid
    assert csrf_token(client, "/account") != before


def test_a_password_reset_ends_every_session(app, member):
    from marketplace.auth.services import make_reset_token

    first, second, browser = app.test_client(), app.test_client(), app.test_client()
    login(first, member.email, PASSWORD)
    login(second, member.email, PASSWORD)
    with app.test_request_context():
        link = f"/password/reset/{make_reset_token(member)}"
    response = browser.post(link, data={"password": "tout-nouveau-99", "confirm": "tout-nouveau-99",
                                        "csrf_token": csrf_token(browser, link)})
    assert response.status_code == 303
    assert (first.get("/account").status_code, second.get("/account").status_code) == (302, 302)


def test_sessions_made_before_an_account_is_disabled_stop_working(app, client, db, member):
    login(client, member.email, PASSWORD)
    member.is_active = False
    db.add(member)
    db.commit()
    assert client.get("/account").status_code == 302


def test_the_worker_forgets_sessions_long_ended_or_expired(app, client, db, member):
    from marketplace.auth.services import forget_old_sign_in_records

    login(client, member.email, PASSWORD)
    login(app.test_client(), member.email, PASSWORD)
    recent, old = db.exec(select(LoginSession).order_by(LoginSession.id)).all()
    old.created_at -= timedelta(days=40)
    db.add(old)
    db.commit()
    with app.test_request_context():
        assert forget_old_sign_in_records(db) == 1
    db.commit()
    assert [s.id for s in db.exec(select(LoginSession))] == [recent.id]
    assert client.get("/account").status_code == 200
