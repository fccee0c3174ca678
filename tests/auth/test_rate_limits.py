"""Brute force is slowed down: sign-in per account and per address, password reset, checkout and the API
answer 429 with Retry-After once over their limits."""

from __future__ import annotations

from sqlmodel import select

from marketplace.auth.models import PasswordResetRequest
from tests.api.test_api import check, spec  # noqa: F401
from tests.conftest import answer_resets, csrf_token, login
from tests.factories import PASSWORD


def test_thirty_wrong_passwords_then_the_right_one_is_refused(app, client, factories):
    member = factories.make_user("cible@exemple.fr")
    statuses = [login(client, member.email, f"essai-numero-{n}").status_code for n in range(30)]
    assert statuses[:10] == [422] * 10
    assert set(statuses[10:]) == {429}
    response = login(client, member.email, PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Trop de requêtes" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in
    # the limit is the account's: its owner signing in from elsewhere is slowed too, another account is not
    other = factories.make_user("voisin@exemple.fr")
    assert login(app.test_client(), other.email, PASSWORD).status_code == 303


def test_one_address_trying_many_accounts_is_slowed(app, client, factories):
    statuses = [login(client, f"inconnu{n}@exemple.fr", "mauvais-mot-de-passe").status_code for n in range(31)]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429


def test_successful_sign_ins_do_not_count_against_the_account(app, factories):
    member = factories.make_user("assidu@exemple.fr")
    for _ in range(12):
        client = app.test_client()
        assert login(client, member.email, PASSWORD).status_code == 303


def test_password_reset_requests_are_limited(app, client, db, factories):
    factories.make_user("oubli@exemple.fr")
    statuses = [client.post("/password/forgot", data={"email": "oubli@exemple.fr",
                                                      "csrf_token": csrf_token(client)}).status_code
                for _ in range(8)]
    assert statuses == [303] * 3 + [429] * 5
    assert len(db.exec(select(PasswordResetRequest)).all()) == 3
    assert answer_resets(app) == 3


def test_checkout_posts_are_limited(client):
    token = csrf_token(client)
    statuses = [client.post("/checkout", data={"csrf_token": token}).status_code for _ in range(21)]
    assert 429 not in statuses[:20] and statuses[20] == 429


def test_api_writes_are_limited_per_caller_with_a_documented_answer(app, client, spec):  # noqa: F811
    statuses = [client.post("/api/v1/quotes", json={"offer_id": 1}).status_code for _ in range(60)]
    assert 429 not in statuses
    response = client.post("/api/v1/quotes", json={"offer_id": 1})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert check(spec, "/api/v1/quotes", "post", response)["error"]["status"] == 429


def test_limits_can_be_turned_off(app, factories):
    from marketplace import create_app

    quiet = create_app({**app.config, "RATE_LIMITS": False, "RATELIMIT_ENABLED": False})
    client = quiet.test_client()
    member = factories.make_user("sans-limite@exemple.fr")
    statuses = {login(client, member.email, "mauvais-mot-de-passe").status_code for _ in range(15)}
    assert statuses == {422}
