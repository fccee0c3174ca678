"""Passwords: at least 12 characters and not common or guessable (ASVS 2.1); a reset request takes the same
path whether the address has an account or not; production refuses a placeholder or short secret key."""

from __future__ import annotations

import pytest
from sqlmodel import select

from marketplace import create_app
from marketplace.auth.models import PasswordResetRequest, User
from marketplace.auth.services import create_user, make_reset_token, password_problem
from marketplace.config import PROJECT_ROOT, ConfigError
from marketplace.core.errors import Invalid
from marketplace.mail.models import OutboxEmail
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD


@pytest.mark.parametrize("password", ["court-42", "onze-chars1", "motdepasse123", "azertyuiop123", "Password1234",
                                      "qwertyuiop12", "123456789012", "marketplace2026",
                                      "jeanne.dupont@exemple.fr"])
def test_short_common_or_guessable_passwords_are_refused(app, password):
    with app.test_request_context():
        assert password_problem(password, "jeanne.dupont@exemple.fr", "Jeanne Dupont") is not None


@pytest.mark.parametrize("password", ["correct-horse-battery", "Lune rousse sur Quimper", "7f#Qw!pZ2@vX9k"])
def test_long_unguessable_passwords_are_accepted(app, password):
    with app.test_request_context():
        assert password_problem(password, "jeanne.dupont@exemple.fr", "Jeanne Dupont") is None


def test_an_account_cannot_be_created_with_a_common_password(app, db):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        create_user(db, "nouvelle@exemple.fr", "motdepasse123")
    assert refused.value.field == "password"


def test_reset_and_change_refuse_a_weak_password_with_a_clear_message(app, client, db, factories):
    member = factories.make_user("membre@exemple.fr")
    with app.test_request_context():
        link = f"/password/reset/{make_reset_token(member)}"
    before = member.password_hash
    response = client.post(link, data={"password": "azertyuiop123", "confirm": "azertyuiop123",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 422
    assert "trop courant" in response.get_data(as_text=True)
    login(client, member.email, PASSWORD)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "Password1234", "confirm": "Password1234",
        "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 422
    db.rollback()
    assert db.get(User, member.id).password_hash == before


def test_a_reset_request_does_the_same_work_for_any_address(app, client, db, factories):
    """Same statements, same answer: the request only notes the address; the worker looks the account up."""
    factories.make_user("existe@exemple.fr")
    answers = []
    for email in ("existe@exemple.fr", "inconnu@exemple.fr"):
        response = client.post("/password/forgot", data={"email": email, "csrf_token": csrf_token(client)})
        answers.append((response.status_code, response.headers["Location"]))
        db.rollback()
        assert db.exec(select(OutboxEmail)).all() == []
    assert answers[0] == answers[1]
    assert [r.email for r in db.exec(select(PasswordResetRequest))] == ["existe@exemple.fr", "inconnu@exemple.fr"]


@pytest.mark.parametrize("key", ["change-me-64-hex-characters-from-secrets-token-hex-32", "trop-courte", "x" * 31])
def test_the_app_refuses_to_start_with_a_placeholder_or_short_secret_key(app, key):
    with pytest.raises(ConfigError):
        create_app({**app.config, "SECRET_KEY": key})


def test_the_example_environment_file_placeholder_is_refused(app):
    lines = (PROJECT_ROOT / "deploy" / "env.example").read_text().splitlines()
    placeholder = next(line.split("=", 1)[1] for line in lines if line.startswith("MARKETPLACE_SECRET_KEY="))
    with pytest.raises(ConfigError):
        create_app({**app.config, "SECRET_KEY": placeholder})
    assert create_app({**app.config, "SECRET_KEY": "3f" * 32}).config["SECRET_KEY"] == "3f" * 32
