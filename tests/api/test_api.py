"""The JSON API and its OpenAPI document agree; bad input gets 400/422 naming the field; unknown ids 404."""

from __future__ import annotations

import re

import jsonschema
import pytest
from openapi_spec_validator import validate
from sqlmodel import select

from marketplace.clusters.models import Organization
from marketplace.demo import DEMO_PASSWORD
from tests.conftest import MONDAY, SATURDAY, SUNDAY, login
from tests.shop.test_catalogue import demo  # noqa: F401  (fixture)


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(spec, path: str, method: str, response) -> dict:
    """Validate a real response against the document's schema for that path, method and status."""
    operation = spec["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {path} answered {response.status_code}, which is not documented"
    schema = documented["content"]["application/json"]["schema"]
    resolver_schema = {**schema, "components": spec["components"]}
    jsonschema.validate(response.get_json(), resolver_schema,
                        format_checker=jsonschema.FormatChecker())
    return response.get_json()


def test_document_is_valid_openapi(spec):
    validate(spec)


def test_every_api_route_is_documented_and_nothing_else(app, spec):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:int:)?([a-z_]+)>", r"{\1}", rule.rule)
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert routes == documented


def test_clusters(client, demo, spec):  # noqa: F811
    body = check(spec, "/api/v1/clusters", "get", client.get("/api/v1/clusters"))
    assert len(body["clusters"]) == 9
    mecabourg = next(c for c in body["clusters"] if c["slug"] == "mecabourg")
    assert {69500, 189300, 969800} <= {t["fee_cents"] for t in mecabourg["fee_grid"]}


def test_offers_use_the_catalogue_filters(client, demo, spec):  # noqa: F811
    body = check(spec, "/api/v1/offers", "get", client.get("/api/v1/offers?q=veille"))
    assert body["total"] == 2 and all("eille" in o["title_fr"] for o in body["offers"])
    rooms = check(spec, "/api/v1/offers", "get", client.get("/api/v1/offers?kind=room"))
    assert [o["title_en"] for o in rooms["offers"]] == ["La Cantine: room rental"]


@pytest.mark.parametrize("query,field", [("price_min=douze", "price_min"), ("kind=yacht", "kind"),
                                         ("date_from=2026-13-01", "date_from"), ("sort=random", "sort")])
def test_bad_filter_names_the_field(client, demo, spec, query, field):  # noqa: F811
    response = client.get(f"/api/v1/offers?{query}")
    assert response.status_code == 400
    assert field in check(spec, "/api/v1/offers", "get", response)["error"]["fields"]


def test_offer_detail_and_unknown_or_hidden_ids(client, demo, spec):  # noqa: F811
    room = demo["la-cantine-salle"]
    body = check(spec, "/api/v1/offers/{offer_id}", "get", client.get(f"/api/v1/offers/{room.id}"))
    assert len(body["room_rates"]) == 12
    vs_pack = check(spec, "/api/v1/offers/{offer_id}", "get",
                    client.get(f"/api/v1/offers/{demo['vs-pack-stand-9m2'].id}"))
    assert vs_pack["co_owners"] == [{"cluster_slug": "neopolia", "share_bps": 2000}]
    for missing in (999999, demo["visite-batiment-passif"].id):
        response = client.get(f"/api/v1/offers/{missing}")
        assert response.status_code == 404
        check(spec, "/api/v1/offers/{offer_id}", "get", response)


def quote(client, spec, **body):
    response = client.post("/api/v1/quotes", json=body)
    return response, check(spec, "/api/v1/quotes", "post", response)


@pytest.mark.parametrize("day,slot,people,excl", [(MONDAY.isoformat(), "full_day", 80, 240000),
                                                  (SUNDAY.isoformat(), "full_day", 80, 400000),
                                                  (SATURDAY.isoformat(), "half_day", 25, 150000),
                                                  (MONDAY.isoformat(), "breakfast", 12, 25000)])
def test_room_quotes(client, demo, spec, day, slot, people, excl):  # noqa: F811
    response, body = quote(client, spec, offer_id=demo["la-cantine-salle"].id,
                           options={"date": day, "slot": slot, "people": people})
    assert response.status_code == 200
    assert body["total_excl_cents"] == excl
    assert body["total_incl_cents"] == body["total_excl_cents"] + body["total_vat_cents"]


def test_member_quote_for_own_organization_explains_the_discount(client, db, demo, spec):  # noqa: F811
    login(client, "hello@pixel-sentier.fr", DEMO_PASSWORD)
    own = db.exec(select(Organization).where(Organization.name == "Studio Pixel Sentier")).one()
    _, body = quote(client, spec, offer_id=demo["la-cantine-salle"].id, organization_id=own.id,
                    options={"date": MONDAY.isoformat(), "slot": "full_day", "people": 80})
    assert body["total_excl_cents"] == 168000
    assert body["lines"][0]["adjustments"][0]["label_fr"] == "Tarif adhérent Silicon Sentier −30\u202f%"


def test_pricing_for_another_organization_is_forbidden(client, db, demo, spec):  # noqa: F811
    login(client, "hello@pixel-sentier.fr", DEMO_PASSWORD)
    other = db.exec(select(Organization).where(Organization.name == "Usinage Bressan")).one()
    response, _ = quote(client, spec, offer_id=demo["coworking"].id, organization_id=other.id)
    assert response.status_code == 403
    client.post("/logout")
    anonymous = client.post("/api/v1/quotes", json={"offer_id": demo["coworking"].id, "organization_id": other.id})
    assert anonymous.status_code == 403


def test_coworking_book_of_ten_days(client, demo, spec):  # noqa: F811
    _, body = quote(client, spec, offer_id=demo["coworking"].id, options={"variant": "book10_day"})
    assert body["total_incl_cents"] == 9000 and body["lines"][0]["units"] == 10


@pytest.mark.parametrize("body,fields", [
    ({"offer_id": 1, "quantity": 0}, {"quantity"}),
    ({"offer_id": "x"}, {"offer_id"}),
    ({"offer_id": 1, "options": {"slot": "lunch", "people": -3}}, {"options.slot", "options.people"}),
    ({"offer_id": 1, "colour": "blue"}, {"colour"}),
    ({}, {"offer_id"}),
])
def test_invalid_quote_request_names_fields(client, demo, spec, body, fields):  # noqa: F811
    response, answer = quote(client, spec, **body)
    assert response.status_code == 422
    assert fields <= set(answer["error"]["fields"])


def test_non_json_body_is_400(client, demo, spec):  # noqa: F811
    response = client.post("/api/v1/quotes", data="offer=1", content_type="text/plain")
    assert response.status_code == 400
    check(spec, "/api/v1/quotes", "post", response)


def test_rule_refusals_are_422_with_a_code(client, demo, spec):  # noqa: F811
    response, body = quote(client, spec, offer_id=demo["action-collective-salon-electronique"].id)
    assert response.status_code == 422 and body["error"]["code"] == "members_only"
    response, body = quote(client, spec, offer_id=demo["la-cantine-salle"].id,
                           options={"date": MONDAY.isoformat(), "slot": "full_day", "people": 300})
    assert response.status_code == 422 and body["error"]["code"] == "on_quote"


def test_unknown_offer_quote_is_404(client, demo, spec):  # noqa: F811
    response, _ = quote(client, spec, offer_id=987654)
    assert response.status_code == 404


def test_quote_without_variant_on_an_offer_that_has_some_asks_for_one(client, demo, spec):  # noqa: F811
    response, body = quote(client, spec, offer_id=demo["coworking"].id)
    assert response.status_code == 422 and body["error"]["code"] == "missing_option"
    assert "variant" in body["error"]["fields"] and "book10_day" in body["error"]["message"]
