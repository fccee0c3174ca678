"""The public catalogue on the demo federation: search, filters, visibility, member prices, live quotes."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date

import pytest
from sqlmodel import select

from marketplace.catalogue.models import Offer
from marketplace.demo import DEMO_PASSWORD, load_demo
from tests.conftest import MONDAY, SATURDAY, SUNDAY, login


@pytest.fixture
def demo(app, db):
    """The demo catalogue without last month's orders and settlements (tests count their own orders)."""
    with app.test_request_context():
        load_demo(db, with_money=False)
        db.commit()
    return {o.slug if o.slug != "adhesion" else f"adhesion-{o.cluster_id}": o for o in db.exec(select(Offer))}


def text(response) -> str:
    """The page as a person reads it: tags dropped, entities and no-break spaces normalised."""
    raw = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", htmllib.unescape(raw).replace("\u202f", " ").replace("\xa0", " "))


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/offers/\d+">([^<]+)</a></h3>', response.get_data(as_text=True))


def test_catalogue_lists_offers_of_every_kind(client, demo):
    page = client.get("/catalogue")
    assert page.status_code == 200
    assert len(titles(page)) >= 12
    for kind in ("Location de salle", "Coworking", "Stand exposant", "Parrainage", "Billet d", "Adhésion"):
        assert kind in text(page)


def test_search_and_filters(client, demo):
    assert all("eille" in t for t in titles(client.get("/catalogue?q=veille")))
    assert len(titles(client.get("/catalogue?q=veille"))) == 2
    assert titles(client.get("/catalogue?kind=room")) == ["La Cantine : location de salle"]
    assert all("VS Pack" in t for t in titles(client.get("/catalogue?cluster=atlanpack&kind=stand")))
    cheap = text(client.get("/catalogue?price_max=50&sort=price_asc"))
    assert "15 000,00 €" not in cheap and "45,00 €" in cheap
    themed = titles(client.get("/catalogue?theme=salon"))
    assert themed and all("VS Pack" in t or "PLAB" in t for t in themed)


def test_invalid_filter_is_explained_and_ignored(client, demo):
    response = client.get("/catalogue?price_min=douze")
    assert response.status_code == 422
    assert "Montant invalide" in text(response)
    assert len(titles(response)) >= 12


@pytest.mark.parametrize("query,said", [
    ("price_min=douze&price_max=-3", ["Prix min. (€ HT) : Montant invalide", "Prix max. (€ HT) : Montant invalide"]),
    ("price_min=500&price_max=20", ["Prix max. (€ HT) : Le prix max. est inférieur au prix min."]),
    ("date_from=2027-03-01&date_to=2027-02-01", ["jusqu'au : La date de fin précède la date de début."]),
])
def test_each_wrong_filter_is_named_once(client, demo, query, said):  # noqa: F811
    response = client.get(f"/catalogue?{query}")
    assert response.status_code == 422
    errors = " ".join(text(response).split("Dates et prix")[-1].split())
    for sentence in said:
        assert errors.count(sentence) == 1, errors[:600]


def test_htmx_search_returns_results_fragment(client, demo):
    response = client.get("/catalogue?q=cantine", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_partner_only_offer_hidden_from_visitors_shown_to_partner_members(client, demo):
    offer = demo["visite-batiment-passif"]
    assert "Visite d'un bâtiment passif" not in text(client.get("/catalogue"))
    assert client.get(f"/offers/{offer.id}").status_code == 404
    login(client, "contact@usinage-bressan.fr", DEMO_PASSWORD)  # Mecabourg member, partner of Eco-Énergies
    assert client.get(f"/offers/{offer.id}").status_code == 200


def test_member_sees_own_price_and_reason_on_cards(client, demo):
    login(client, "rd@lumiere-loire.fr", DEMO_PASSWORD)  # Cosmetic Valley member
    page = text(client.get("/catalogue?q=réglementaire"))
    assert "900,00 €" in page and "540,00 € HT" in page
    assert "Tarif adhérent Cosmetic Valley −40 %" in page


def test_partner_member_gets_reciprocity_never_better_than_members(client, demo):
    login(client, "hello@pixel-sentier.fr", DEMO_PASSWORD)  # Silicon Sentier: partner of Cosmetic Valley (20 %)
    page = text(client.get("/catalogue?q=réglementaire"))
    assert "720,00 € HT" in page and "Silicon Sentier" in page


def _quote_text(client, offer, **params):
    return text(client.get(f"/offers/{offer.id}/quote", query_string=params))


@pytest.mark.parametrize("day,slot,people,list_total,member_total", [
    (MONDAY.isoformat(), "full_day", 80, "2 400,00", "1 680,00"),   # Monday
    (SATURDAY.isoformat(), "full_day", 80, "3 000,00", "2 100,00"),   # Saturday
    (SUNDAY.isoformat(), "full_day", 80, "4 000,00", "2 800,00"),   # Sunday
    (MONDAY.isoformat(), "half_day", 30, "1 000,00", "700,00"),
    (SUNDAY.isoformat(), "evening", 10, "400,00", "280,00"),
])
def test_room_quote_list_and_member(client, demo, day, slot, people, list_total, member_total):
    room = demo["la-cantine-salle"]
    assert f"Total HT {list_total} €" in _quote_text(client, room, date=day, slot=slot, people=people)
    login(client, "hello@pixel-sentier.fr", DEMO_PASSWORD)
    member = _quote_text(client, room, date=day, slot=slot, people=people)
    assert f"Total HT {member_total} €" in member and "Tarif adhérent Silicon Sentier −30 %" in member


def test_room_over_100_people_is_on_quote(client, demo):
    response = _quote_text(client, demo["la-cantine-salle"], date=MONDAY.isoformat(), slot="full_day", people=150)
    assert "devis" in response and "2 500,00 €" in response


@pytest.mark.parametrize("variant,total", [("half_day", "7,00"), ("day", "10,00"), ("book10_half", "63,00"),
                                           ("book10_day", "90,00")])
def test_coworking_passes_vat_included(client, demo, variant, total):
    assert f"Total TTC {total} €" in _quote_text(client, demo["coworking"], variant=variant)


def test_membership_quote_uses_the_buyers_headcount(client, demo, db):
    mecabourg = next(o for k, o in demo.items() if k.startswith("adhesion") and "Mecabourg" in o.title_fr)
    login(client, "contact@usinage-bressan.fr", DEMO_PASSWORD)  # 35 employees, a member this year
    assert "déjà réglée" in _quote_text(client, mecabourg, category="classic")
    next_year = str(date.today().year + 1)
    assert "Total HT 1 893,00 €" in _quote_text(client, mecabourg, category="classic", year=next_year)


def test_collective_action_refused_to_non_members(client, demo):
    action = demo["action-collective-salon-electronique"]
    assert "adhérents" in _quote_text(client, action, quantity=1)
    login(client, "achats@cel-lorraine.fr", DEMO_PASSWORD)  # PLAB member this year
    assert "Total HT 1 200,00 €" in _quote_text(client, action, quantity=1)


def test_bad_quantity_is_explained(client, demo):
    assert "Vérifiez la quantité" in _quote_text(client, demo["formation-lean"], quantity="beaucoup")
    assert "Total" not in _quote_text(client, demo["formation-lean"], quantity=0)


def test_offer_page_works_without_javascript(client, demo):
    response = client.get(f"/offers/{demo['coworking'].id}?variant=book10_day")
    assert "Total TTC 90,00 €" in text(response)


def test_events_agenda_and_cluster_page_list_offers(client, demo):
    agenda = text(client.get("/events"))
    assert "VS Pack" in agenda and "Formation lean" in agenda
    cluster = text(client.get("/clusters/silicon-sentier"))
    assert "Coworking à La Cantine" in cluster and "Grille des cotisations" in cluster


def test_english_catalogue(client, demo):
    client.get("/", headers={"Accept-Language": "en"})
    page = text(client.get("/catalogue?kind=coworking", headers={"Accept-Language": "en"}))
    assert "Coworking at La Cantine" in page and "€7.00" in page


def test_offer_with_variants_quotes_the_first_one_by_default(client, demo):
    assert "Total TTC 7,00 €" in text(client.get(f"/offers/{demo['coworking'].id}"))
