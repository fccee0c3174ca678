"""Out-of-range catalogue filters are explained (page) or refused (API), never a server error."""

from __future__ import annotations

import pytest

from tests.shop.test_catalogue import text

OUT_OF_RANGE = [
    ("price_min", "1e309", "Montant trop élevé"),
    ("price_max", "1e308", "Montant trop élevé"),
    ("price_max", "10000000,01", "Montant trop élevé"),
    ("price_min", "inf", "Montant invalide"),
    ("price_max", "-Infinity", "Montant invalide"),
    ("price_min", "nan", "Montant invalide"),
    ("price_min", "-1", "Montant invalide"),
    ("date_from", "0001-01-01", "Date hors de la plage"),
    ("date_to", "9999-12-31", "Date hors de la plage"),
    ("date_from", "1999-12-31", "Date hors de la plage"),
    ("page", "99999999999999999999", "Page invalide"),
    ("page", "1001", "Page invalide"),
]
AT_THE_BOUNDS = [("price_max", "10000000"), ("price_min", "0"), ("date_from", "2000-01-01"),
                 ("date_to", "2100-12-31"), ("page", "1000")]


@pytest.mark.parametrize("name,value,words", OUT_OF_RANGE)
def test_catalogue_explains_an_out_of_range_filter(client, name, value, words):
    response = client.get("/catalogue", query_string={name: value})
    assert response.status_code == 422
    assert words in text(response)


@pytest.mark.parametrize("name,value,words", OUT_OF_RANGE)
def test_home_search_survives_an_out_of_range_filter(client, name, value, words):
    assert client.get("/", query_string={name: value}).status_code == 200


@pytest.mark.parametrize("name,value,words", OUT_OF_RANGE)
def test_api_refuses_an_out_of_range_filter(client, name, value, words):
    response = client.get("/api/v1/offers", query_string={name: value})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_filter" and words in error["fields"][name]


@pytest.mark.parametrize("name,value", AT_THE_BOUNDS)
def test_filters_at_the_bounds_are_accepted(client, name, value):
    assert client.get("/catalogue", query_string={name: value}).status_code == 200
    assert client.get("/api/v1/offers", query_string={name: value}).status_code == 200
