"""Sign-in, sign-out, password reset and CSRF: clear errors, nothing changed on failure."""

from __future__ import annotations

import time

import pytest
from flask import url_for
from sqlmodel import select

from marketplace.auth.models import User
from marketplace.auth.services import make_reset_token
from marketplace.mail.models import OutboxEmail
from tests.conftest import answer_resets, csrf_token, login
from tests.factories import PASSWORD


@pytest.fixture
def member(factories):
    organization = factories.make_organization(name="Usinage Test")
    return factories.make_user("membre@exemple.fr", organization_id=organization.id, full_name="Membre")


def _reload(db, user) -> User:
    db.rollback()  # end the read transaction and forget loaded rows: see what requests committed
    db.expire_all()
    return db.get(User, user.id)


def test_login_success_and_logout(client, member):
    response = login(client, "MEMBRE@exemple.fr ", PASSWORD)
    assert response.status_code == 303
    assert "Mon compte" in client.get("/").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("email,password", [("membre@exemple.fr", "wrong-password-123"),
                                            ("inconnu@exemple.fr", PASSWORD)])
def test_wrong_password_or_unknown_email_same_clear_error(client, db, member, email, password):
    before = _reload(db, member).last_login_at
    response = login(client, email, password)
    assert response.status_code == 422
    assert "Email ou mot de passe incorrect." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # still signed out
    assert _reload(db, member).last_login_at == before


def test_login_without_csrf_token_is_refused(client, db, member):
    client.get("/login")
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert _reload(db, member).last_login_at is None


def test_write_without_csrf_token_changes_nothing(client, db, member):
    login(client, member.email, PASSWORD)
    response = client.post("/account", data={"full_name": "Pirate", "language": "en"})
    assert response.status_code == 400
    user = _reload(db, member)
    assert (user.full_name, user.language) == ("Membre", "fr")


def test_passwords_are_stored_only_as_argon2_hashes(db, app):
    from marketplace.auth.services import create_user

    with app.test_request_context():
        create_user(db, "nouveau@exemple.fr", "un-mot-de-passe-long")
        db.commit()
    stored = db.exec(select(User).where(User.email == "nouveau@exemple.fr")).one().password_hash
    assert stored.startswith("$argon2id$")
    assert "un-mot-de-passe-long" not in stored


def test_login_redirect_ignores_external_next(client, member):
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/", data={
        "email": member.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_forgot_password_queues_one_email_and_says_the_same_for_unknown(app, client, db, member):
    for email in ("membre@exemple.fr", "personne@exemple.fr"):
        response = client.post("/password/forgot", data={"email": email, "csrf_token": csrf_token(client)})
        assert response.status_code == 303
    assert db.exec(select(OutboxEmail)).all() == []  # the worker answers: the page did the same for both
    assert answer_resets(app) == 2
    db.rollback()
    emails = db.exec(select(OutboxEmail)).all()
    assert [e.to_address for e in emails] == ["membre@exemple.fr"]
    assert "/password/reset/" in emails[0].body_text
    assert answer_resets(app) == 0  # each request answered once


def _reset_link(db) -> str:
    body = db.exec(select(OutboxEmail)).one().body_text
    return "/password/reset/" + body.split("/password/reset/")[1].split()[0]


def test_reset_password_with_valid_token_once(app, client, db, member):
    client.post("/password/forgot", data={"email": member.email, "csrf_token": csrf_token(client)})
    answer_resets(app)
    link = _reset_link(db)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "nouveau-secret-42", "confirm": "nouveau-secret-42",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 303
    assert login(client, member.email, "nouveau-secret-42").status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    # the same link cannot be used twice
    response = client.get(link)
    assert response.status_code == 400
    assert "déjà servi" in response.get_data(as_text=True)


def test_tampered_reset_token_is_refused_and_changes_nothing(client, db, member, app):
    with app.test_request_context():
        token = make_reset_token(member)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    before = _reload(db, member).password_hash
    response = client.get(f"/password/reset/{tampered}")
    assert response.status_code == 400
    assert "pas valide" in response.get_data(as_text=True)
    response = client.post(f"/password/reset/{tampered}", data={"password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 400
    assert _reload(db, member).password_hash == before


def test_expired_reset_token_is_refused(client, db, member, app):
    app.config["RESET_TOKEN_MAX_AGE"] = 1
    with app.test_request_context():
        token = make_reset_token(member)
    time.sleep(2.1)
    before = _reload(db, member).password_hash
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400
    assert "expiré" in response.get_data(as_text=True)
    assert _reload(db, member).password_hash == before


def test_reset_with_mismatched_or_short_password_shows_field_error(client, db, member, app):
    with app.test_request_context():
        token = make_reset_token(member)
    link = f"/password/reset/{token}"
    before = _reload(db, member).password_hash
    response = client.post(link, data={"password": "court", "confirm": "autre", "csrf_token": csrf_token(client, link)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "field-error" in html and "Les deux mots de passe diffèrent." in html
    assert _reload(db, member).password_hash == before


def test_password_change_signs_out_other_sessions(app, member, db):
    first, second = app.test_client(), app.test_client()
    login(first, member.email, PASSWORD)
    login(second, member.email, PASSWORD)
    response = first.post("/account/password", data={
        "current": PASSWORD, "password": "tout-nouveau-99", "confirm": "tout-nouveau-99",
        "csrf_token": csrf_token(first, "/account")})
    assert response.status_code == 303
    assert first.get("/account").status_code == 200
    assert second.get("/account").status_code == 302


def test_change_password_with_wrong_current_password(client, db, member):
    login(client, member.email, PASSWORD)
    before = _reload(db, member).password_hash
    response = client.post("/account/password", data={
        "current": "pas-le-bon-mdp", "password": "tout-nouveau-99", "confirm": "tout-nouveau-99",
        "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 422
    assert "Mot de passe actuel incorrect." in response.get_data(as_text=True)
    assert _reload(db, member).password_hash == before


def test_inactive_user_cannot_sign_in(client, db, factories):
    factories.make_user("parti@exemple.fr", is_active=False)
    assert login(client, "parti@exemple.fr", PASSWORD).status_code == 422


def test_url_for_login_exists(app):
    with app.test_request_context():
        assert url_for("auth.login") == "/login"
