"""Staff manage their cluster's offers: a valid offer is saved in cents, UTC and bps; bad input is explained
next to its field and saves nothing; publishing decides what the public catalogue shows."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from marketplace.catalogue.models import Offer, OfferCoOwner, OfferTheme, OfferVariant
from marketplace.rooms.forms import day_type_choices, slot_choices
from marketplace.rooms.models import RoomRate
from marketplace.rooms.rules import DAY_TYPES, SLOTS
from tests.admin.test_permissions import snapshot
from tests.clusters.test_forms import field_error
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

NEW = "/console/clusters/cluster-a/offers/new"


@pytest.fixture
def setup(factories):
    a = factories.make_cluster(slug="cluster-a", name="Cluster A")
    factories.make_tier(a, code="classic")
    factories.make_tier(a, code="premium", category="premium")
    b = factories.make_cluster(slug="cluster-b", name="Cluster B")
    c = factories.make_cluster(slug="cluster-c", name="Cluster C")
    stranger = factories.make_cluster(slug="cluster-d", name="Cluster D")
    factories.make_partnership(a, b)
    factories.make_partnership(a, c)
    factories.make_offer(a, slug="deja-pris", title_fr="Offre existante")
    factories.make_offer(b, slug="salon-2027", title_fr="Salon de B")
    manager = factories.make_staff(a, "manager", email="gestion@cluster-a.fr")
    return dict(a=a, b=b, c=c, stranger=stranger, manager=manager, factories=factories)


def valid_offer(setup) -> dict[str, str]:
    return {
        "kind": "event_ticket", "slug": "salon-2027", "title_fr": "Salon 2027 : billet visiteur",
        "title_en": "Trade show 2027: visitor ticket", "summary_fr": "Trois jours, cent exposants.",
        "includes_fr": "Accès aux conférences et au déjeuner.", "visibility": "public", "is_published": "y",
        "discovery_scope": "y", "sale_starts_at": "2026-12-01T09:00", "sale_ends_at": "2027-03-15T18:00",
        "starts_at": "2027-03-16T09:00", "ends_at": "2027-03-18T18:00", "location": "Parc des expositions, Nantes",
        "capacity": "300", "list_price": "1 250,50", "vat_rate": "2000", "member_price": "990",
        "included_in_tiers": "Premium", "early_bird_until": "2027-01-31T23:59", "early_bird_discount": "10",
        "themes": " Salon, Industrie du futur,salon ,", "co_owners-0-cluster_id": str(setup["b"].id),
        "co_owners-0-share": "20", "co_owners-1-cluster_id": "", "co_owners-1-share": "",
    }


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")})


def offer_by_slug(db, cluster, slug) -> Offer:
    db.rollback()  # end the read transaction: see what the requests committed
    return db.exec(select(Offer).where(Offer.cluster_id == cluster.id, Offer.slug == slug)).one()


def test_valid_offer_is_saved_in_cents_utc_and_bps_with_themes_and_co_owner(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)  # managers, not only admins, run the catalogue
    response = post(client, NEW, valid_offer(setup))
    assert response.status_code == 303
    offer = offer_by_slug(db, setup["a"], "salon-2027")
    assert response.headers["Location"].endswith(f"/console/clusters/cluster-a/offers/{offer.id}")
    assert (offer.list_price_cents, offer.member_price_cents, offer.member_discount_bps) == (125050, 99000, None)
    assert (offer.vat_rate_bps, offer.vat_exempt_mention, offer.capacity) == (2000, None, 300)
    assert offer.early_bird_discount_bps == 1000 and offer.included_in_tiers == "premium"
    # Paris wall-clock time in, UTC out: winter time is UTC+1.
    assert offer.starts_at == datetime(2027, 3, 16, 8, 0, tzinfo=UTC)
    assert offer.early_bird_until == datetime(2027, 1, 31, 22, 59, tzinfo=UTC)
    assert offer.is_published and offer.visibility == "public" and not offer.members_only
    themes = db.exec(select(OfferTheme.theme).where(OfferTheme.offer_id == offer.id)).all()
    assert sorted(themes) == ["industrie du futur", "salon"]
    co_owners = db.exec(select(OfferCoOwner).where(OfferCoOwner.offer_id == offer.id)).all()
    assert [(c.cluster_id, c.share_bps) for c in co_owners] == [(setup["b"].id, 2000)]

    page = client.get(f"/console/clusters/cluster-a/offers/{offer.id}").get_data(as_text=True)
    assert 'value="2027-03-16T09:00"' in page and 'value="1250,50"' in page
    assert 'value="industrie du futur, salon"' in page
    listing = client.get("/console/clusters/cluster-a/offers").get_data(as_text=True)
    assert "Salon 2027 : billet visiteur" in html.unescape(listing) and "1 250,50" in listing.replace("\u202f", " ")


def test_summer_time_is_utc_plus_two_and_saving_unchanged_form_keeps_values(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)
    data = {**valid_offer(setup), "starts_at": "2027-06-10T14:30", "ends_at": "2027-06-10T18:00",
            "sale_ends_at": "", "early_bird_until": "", "early_bird_discount": ""}
    assert post(client, NEW, data).status_code == 303
    offer = offer_by_slug(db, setup["a"], "salon-2027")
    assert offer.starts_at == datetime(2027, 6, 10, 12, 30, tzinfo=UTC)
    before = snapshot(db)
    assert post(client, f"/console/clusters/cluster-a/offers/{offer.id}", data).status_code == 303
    assert snapshot(db) == before


BAD = [
    # (field shown invalid, changes to the valid offer, words of the message)
    ("slug", {"slug": "Salon 2027"}, "minuscules"),
    ("slug", {"slug": "deja-pris"}, "déjà cet identifiant"),
    ("title_fr", {"title_fr": "   "}, "obligatoire"),
    ("title_en", {"title_en": ""}, "obligatoire"),
    ("sale_ends_at", {"sale_starts_at": "2027-01-10T09:00", "sale_ends_at": "2027-01-09T09:00"}, "après son début"),
    ("ends_at", {"ends_at": "2027-03-16T08:00"}, "après le début"),
    ("starts_at", {"starts_at": "16 mars"}, "invalides"),
    ("starts_at", {"starts_at": "2027-03-28T02:30", "ends_at": ""}, "n'existe pas"),
    ("capacity", {"capacity": "-1"}, "positif"),
    ("list_price", {"list_price": "-5"}, "positif"),
    ("list_price", {"list_price": "douze"}, "nombre invalide"),
    ("list_price", {"list_price": "12,345", "member_price": ""}, "deux décimales"),
    ("list_price", {"list_price": ""}, "prix public"),
    ("vat_exempt_mention", {"vat_rate": "exempt", "vat_exempt_mention": ""}, "article"),
    ("vat_rate", {"vat_rate": "1900"}, ""),
    ("member_discount", {"member_discount": "10"}, "pas les deux"),
    ("member_discount", {"member_price": "", "member_discount": "0"}, "entre 0 et 100"),
    ("member_price", {"member_price": "2000"}, "dépasser le prix public"),
    ("member_price", {"kind": "room"}, "remise"),
    ("included_in_tiers", {"included_in_tiers": "premium, platine"}, "platine"),
    ("early_bird_discount", {"early_bird_discount": ""}, "remise lève-tôt"),
    ("early_bird_until", {"early_bird_until": ""}, "jusqu'à quand"),
    ("early_bird_discount", {"early_bird_discount": "120"}, "entre 0 et 100"),
    ("themes", {"themes": "salon, " + "x" * 41}, "40 caractères"),
    ("co_owners-0-share", {"co_owners-0-share": "0"}, "entre 0 et 100"),
    ("co_owners-0-share", {"co_owners-0-share": "100"}, "entre 0 et 100"),
    ("co_owners-0-share", {"co_owners-0-share": ""}, "indiquez la part"),
    ("co_owners-1-share", {"co_owners-1-share": "15"}, "choisissez le cluster"),
    ("co_owners-0-cluster_id", {"co_owners-0-cluster_id": "stranger"}, "partenaire"),
    ("co_owners-1-cluster_id", {"co_owners-1-cluster_id": "b", "co_owners-1-share": "10"}, "déjà co-organisateur"),
    ("co_owners-1-share", {"co_owners-0-share": "60", "co_owners-1-cluster_id": "c", "co_owners-1-share": "40"},
     "sous 100 %"),
]


@pytest.mark.parametrize("field,changes,words", BAD, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD)])
def test_bad_offer_input_is_shown_next_to_the_field_and_nothing_is_saved(client, db, setup, field, changes, words):
    login(client, setup["manager"].email, PASSWORD)
    clusters = {"b": str(setup["b"].id), "c": str(setup["c"].id), "stranger": str(setup["stranger"].id)}
    data = {**valid_offer(setup), **{k: clusters.get(v, v) for k, v in changes.items()}}
    before = snapshot(db)
    response = post(client, NEW, data)
    assert response.status_code == 422
    message = html.unescape(field_error(response.get_data(as_text=True), field))
    assert words.lower() in message.lower()
    assert snapshot(db) == before


def test_bad_input_when_editing_changes_nothing_and_keeps_what_was_typed(client, db, setup):
    offer = setup["factories"].make_offer(setup["a"], slug="atelier", title_fr="Atelier achats")
    login(client, setup["manager"].email, PASSWORD)
    before = snapshot(db)
    response = post(client, f"/console/clusters/cluster-a/offers/{offer.id}",
                    {**valid_offer(setup), "slug": "atelier", "title_fr": "Atelier renommé", "capacity": "-3"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "positif" in field_error(page, "capacity") and 'value="Atelier renommé"' in html.unescape(page)
    assert snapshot(db) == before


def test_co_owner_choices_are_the_clusters_partners_only(client, setup):
    login(client, setup["manager"].email, PASSWORD)
    page = client.get(NEW).get_data(as_text=True)
    assert f'<option value="{setup["b"].id}">Cluster B</option>' in page
    assert f'<option value="{setup["c"].id}">Cluster C</option>' in page
    assert "Cluster D" not in page


def test_published_public_offer_is_in_the_catalogue_unpublished_is_not(client, db, setup):
    login(client, setup["manager"].email, PASSWORD)
    published = {**valid_offer(setup), "title_fr": "Salon publié", "sale_ends_at": "", "starts_at": "2099-03-16T09:00",
                 "ends_at": "", "early_bird_until": "", "early_bird_discount": ""}
    draft = {**published, "slug": "brouillon", "title_fr": "Salon en brouillon", "is_published": ""}
    assert post(client, NEW, published).status_code == 303
    assert post(client, NEW, draft).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    catalogue = html.unescape(client.get("/catalogue").get_data(as_text=True))
    assert "Salon publié" in catalogue and "Salon en brouillon" not in catalogue

    login(client, setup["manager"].email, PASSWORD)
    offer = offer_by_slug(db, setup["a"], "brouillon")
    response = post(client, f"/console/clusters/cluster-a/offers/{offer.id}/publish", {"back": "list"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/console/clusters/cluster-a/offers")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "Salon en brouillon" in html.unescape(client.get("/catalogue").get_data(as_text=True))


@pytest.fixture
def room(setup):
    offer = setup["factories"].make_offer(setup["a"], kind="room", slug="salle", title_fr="Grande salle",
                                          list_price_cents=40000, member_discount_bps=2000)
    setup["factories"].make_variant(offer, code="journee")
    setup["factories"].make_room_rate(offer, day_type="weekday", slot="full_day", min_people=1, max_people=20)
    return offer


def test_variant_and_rate_are_added_shown_and_removed(client, db, setup, room):
    login(client, setup["manager"].email, PASSWORD)
    url = f"/console/clusters/cluster-a/offers/{room.id}"
    response = post(client, url + "/variants", {"variant_code": "carnet-10", "variant_label_fr": "Carnet de 10",
                                                "variant_label_en": "Book of 10", "variant_list_price": "900",
                                                "variant_member_price": "630", "variant_units": "10"})
    assert response.status_code == 303 and response.headers["Location"].endswith(url + "#variants")
    response = post(client, url + "/rates", {"rate_day_type": "weekend", "rate_slot": "evening",
                                             "rate_min_people": "21", "rate_max_people": "50", "rate_price": "800"})
    assert response.status_code == 303
    variant = db.exec(select(OfferVariant).where(OfferVariant.code == "carnet-10")).one()
    rate = db.exec(select(RoomRate).where(RoomRate.slot == "evening")).one()
    assert (variant.list_price_cents, variant.member_price_cents, variant.units, variant.position) == (90000, 63000, 10, 1)
    assert (rate.day_type, rate.min_people, rate.max_people, rate.list_price_cents) == ("weekend", 21, 50, 80000)
    page = client.get(url).get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "Carnet de 10" in page and "630,00 €" in page and "Soirée" in page and "21–50" in page

    variant_id, rate_id = variant.id, rate.id
    assert post(client, f"{url}/variants/{variant_id}/delete", {}).status_code == 303
    assert post(client, f"{url}/rates/{rate_id}/delete", {}).status_code == 303
    tables = snapshot(db)
    assert variant_id not in [row[0] for row in tables["offervariant"]]
    assert rate_id not in [row[0] for row in tables["roomrate"]]


BAD_VARIANTS = [
    ("variant_units", {"variant_units": "0"}, "au moins une unité"),
    ("variant_code", {"variant_code": "Carnet 10"}, "minuscules"),
    ("variant_code", {"variant_code": "journee"}, "déjà une formule"),
    ("variant_list_price", {"variant_list_price": "-1"}, "positif"),
    ("variant_member_price", {"variant_member_price": "950"}, "dépasser"),
]
BAD_RATES = [
    ("rate_max_people", {"rate_min_people": "30", "rate_max_people": "10"}, "supérieur ou égal"),
    ("rate_min_people", {"rate_min_people": "0"}, "au moins une personne"),
    ("rate_price", {"rate_price": "-10"}, "positif"),
    ("rate_min_people", {"rate_day_type": "weekday", "rate_slot": "full_day", "rate_min_people": "1",
                         "rate_max_people": "20"}, "déjà un tarif"),
    ("rate_slot", {"rate_slot": "nuit"}, ""),
]
VALID_VARIANT = {"variant_code": "carnet", "variant_label_fr": "Carnet", "variant_label_en": "Book",
                 "variant_list_price": "900", "variant_units": "10"}
VALID_RATE = {"rate_day_type": "saturday", "rate_slot": "evening", "rate_min_people": "1", "rate_max_people": "20",
              "rate_price": "400"}


@pytest.mark.parametrize("path,base,field,changes,words",
                         [("variants", VALID_VARIANT, *case) for case in BAD_VARIANTS]
                         + [("rates", VALID_RATE, *case) for case in BAD_RATES],
                         ids=[f"variant-{c[0]}-{i}" for i, c in enumerate(BAD_VARIANTS)]
                         + [f"rate-{c[0]}-{i}" for i, c in enumerate(BAD_RATES)])
def test_bad_variant_or_rate_is_shown_next_to_the_field(client, db, setup, room, path, base, field, changes, words):
    login(client, setup["manager"].email, PASSWORD)
    before = snapshot(db)
    response = post(client, f"/console/clusters/cluster-a/offers/{room.id}/{path}", {**base, **changes})
    assert response.status_code == 422
    message = html.unescape(field_error(response.get_data(as_text=True), field))
    assert words.lower() in message.lower()
    assert snapshot(db) == before


def test_rates_only_for_rooms(client, db, setup):
    offer = setup["factories"].make_offer(setup["a"], kind="service", slug="conseil")
    login(client, setup["manager"].email, PASSWORD)
    before = snapshot(db)
    response = post(client, f"/console/clusters/cluster-a/offers/{offer.id}/rates", VALID_RATE)
    assert response.status_code == 422
    assert "location de salle" in html.unescape(response.get_data(as_text=True))
    assert snapshot(db) == before


def test_room_rate_codes_are_those_of_the_room_rules(app):
    with app.test_request_context():
        assert {code for code, _label in day_type_choices()} == set(DAY_TYPES)
        assert {code for code, _label in slot_choices()} == set(SLOTS)


def test_services_refuse_what_the_form_would_have_refused(db, setup):
    """The services are the last guard (API, scripts): co-owners are partners with shares under 100 %."""
    from marketplace.catalogue.services import set_co_owners, set_themes
    from marketplace.core.errors import Invalid

    offer = setup["factories"].make_offer(setup["a"], slug="garde")
    cases = [([(setup["stranger"].id, 1000)], "partenaires"), ([(setup["b"].id, 6000), (setup["c"].id, 4000)], "100"),
             ([(setup["b"].id, 1000), (setup["b"].id, 1000)], "qu'une fois"), ([(setup["b"].id, 0)], "entre 0")]
    for shares, words in cases:
        with pytest.raises(Invalid, match=words) as refused:
            set_co_owners(db, setup["a"], offer, shares)
        assert refused.value.field == "co_owners"
    with pytest.raises(Invalid) as refused:
        set_themes(db, offer, ["x" * 41])
    assert refused.value.field == "themes"
    db.rollback()
    assert snapshot(db)["offercoowner"] == [] and snapshot(db)["offertheme"] == []


def test_save_offer_checks_tiers_and_slug_even_when_the_form_did_not(app, db, setup):
    from marketplace.catalogue.forms import OfferForm
    from marketplace.catalogue.services import save_offer
    from marketplace.core.errors import Conflict, Invalid

    for changes, error, field in [({"included_in_tiers": "platine"}, Invalid, "included_in_tiers"),
                                  ({"slug": "deja-pris"}, Conflict, "slug")]:
        with app.test_request_context(method="POST", data={**valid_offer(setup), **changes}):
            form = OfferForm(meta={"csrf": False})
            form.set_partner_choices([(setup["b"].id, "Cluster B")])
            assert form.validate(), form.errors
            with pytest.raises(error) as refused:
                save_offer(db, setup["a"], Offer(), form.offer_input())
            assert refused.value.field == field
    db.rollback()
    assert db.exec(select(Offer).where(Offer.cluster_id == setup["a"].id, Offer.slug == "salon-2027")).first() is None


def test_co_owner_no_longer_partner_is_shown_and_must_be_removed_explicitly(client, db, setup):
    offer = setup["factories"].make_offer(setup["a"], slug="ancien-partenariat", title_fr="Action commune")
    db.add(OfferCoOwner(offer_id=offer.id, cluster_id=setup["stranger"].id, share_bps=2500))
    db.commit()
    login(client, setup["manager"].email, PASSWORD)
    url = f"/console/clusters/cluster-a/offers/{offer.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'<option selected value="{setup["stranger"].id}">Cluster D (plus partenaire)</option>' in page
    data = {**valid_offer(setup), "slug": "ancien-partenariat", "co_owners-0-cluster_id": str(setup["stranger"].id),
            "co_owners-0-share": "25"}
    before = snapshot(db)
    response = post(client, url, data)
    assert response.status_code == 422
    assert "plus partenaire" in html.unescape(field_error(response.get_data(as_text=True), "co_owners-0-cluster_id"))
    assert snapshot(db) == before
    assert post(client, url, {**data, "co_owners-0-cluster_id": "", "co_owners-0-share": ""}).status_code == 303
    assert snapshot(db)["offercoowner"] == []
