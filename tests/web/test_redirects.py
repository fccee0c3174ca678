"""A `next` parameter (language switch, sign-in) only ever leads to a path of this site."""

from __future__ import annotations

import pytest

from marketplace.web.redirects import safe_next
from tests.conftest import csrf_token
from tests.factories import PASSWORD

# Browsers drop tabs and line breaks and read "\" as "/" before following a Location header.
FOREIGN = [
    "/\t/evil.example",
    "/\r\n/x",
    "/\n/evil.example",
    "/\x7f/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " /evil",
]
OWN = ["/", "/catalogue?kind=room&q=salle", "/offers/3#quote", "/clusters/emc2", "/catalogue?next=//x"]


@pytest.mark.parametrize("target", FOREIGN)
def test_foreign_or_disguised_targets_fall_back(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", OWN)
def test_paths_of_the_site_are_kept(target):
    assert safe_next(target, "/home") == target


def test_missing_target_falls_back():
    assert safe_next(None, "/home") == "/home" and safe_next("", "/home") == "/home"


@pytest.mark.parametrize("target", FOREIGN)
def test_language_switch_never_leaves_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_language_switch_follows_a_path_of_the_site(client):
    response = client.get("/lang/en", query_string={"next": "/catalogue?kind=room"})
    assert response.headers["Location"] == "/catalogue?kind=room"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\r\n/x", "//evil.example"])
def test_sign_in_never_leaves_the_site(client, factories, target):
    user = factories.make_user("voyageur@exemple.fr")
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_path_of_the_site(client, factories):
    user = factories.make_user("voyageur@exemple.fr")
    response = client.post("/login", query_string={"next": "/account"},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/account"
