"""Bad input on every model form: a clear message next to the field, nothing saved."""

from __future__ import annotations

import re

import pytest

from tests.admin.test_permissions import snapshot
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_siret

VALID_CLUSTER = dict(slug="cluster-a", name="Cluster A", legal_name="Association A", siret=make_siret(801),
                     vat_regime="liable", region="Bretagne", sector="Mer", staff_fte="3")
VALID_MEMBER = dict(name="Nouvelle Entreprise", kind="company", siret=make_siret(802), headcount="10",
                    year="2026", status="active")
VALID_ORGANIZATION = dict(name="Usinage Test", kind="company", siret=make_siret(803), headcount="12")


@pytest.fixture
def setup(factories):
    cluster = factories.make_cluster(slug="cluster-a", name="Cluster A")
    tier = factories.make_tier(cluster, code="classic")
    organization = factories.make_organization(name="Usinage Test", siret=make_siret(803))
    admin = factories.make_staff(cluster, "admin", email="admin@cluster-a.fr")
    member = factories.make_user("membre@exemple.fr", organization_id=organization.id)
    other = factories.make_cluster(slug="cluster-b", name="Cluster B")
    return dict(cluster=cluster, tier=tier, admin=admin, member=member, other=other)


def field_error(html: str, field: str) -> str:
    """The error text shown under `field`, which must be marked aria-invalid."""
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html), \
        f"{field} is not marked invalid"
    match = re.search(rf'<small id="{field}-help" class="field-error" role="alert">([^<]+)</small>', html)
    assert match, f"no error message under {field}"
    return match.group(1)


CASES = [
    # (form, url, base data, field, bad value, expected words)
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "siret", "12345678901234", "SIRET invalide"),
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "iban", "FR76 3000 4000 0100 0000 0000 000",
     "IBAN invalide"),
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "vat_number", "FR00123456789",
     "TVA intracommunautaire invalide"),
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "email", "pas-un-email", "adresse électronique"),
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "staff_fte", "-2", ""),
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "bic", "XX", "BIC invalide"),
    ("cluster", "/console/clusters/cluster-a/edit", {**VALID_CLUSTER, "vat_regime": "exempt"},
     "vat_exempt_mention", "", "article"),
    ("cluster", "/console/clusters/cluster-a/edit", VALID_CLUSTER, "stripe_account_id", "compte", "acct_"),
    ("member", "/console/clusters/cluster-a/members", VALID_MEMBER, "siret", "73282932000075", "SIRET invalide"),
    ("member", "/console/clusters/cluster-a/members", VALID_MEMBER, "headcount", "-5", "positif"),
    ("member", "/console/clusters/cluster-a/members", VALID_MEMBER, "contact_email", "jean@", "adresse électronique"),
    ("member", "/console/clusters/cluster-a/members", VALID_MEMBER, "postal_code", "7500", "5 chiffres"),
    ("member", "/console/clusters/cluster-a/members", VALID_MEMBER, "siret", "", "obligatoire"),
    ("tier", "/console/clusters/cluster-a/tiers",
     dict(code="premium", category="premium", name_fr="Premium", name_en="Premium", min_headcount="50", fee="990"),
     "max_headcount", "10", "supérieur ou égal"),
    ("tier", "/console/clusters/cluster-a/tiers",
     dict(code="premium", category="premium", name_fr="Premium", name_en="Premium", min_headcount="0"),
     "fee", "-10", "positif"),
    ("tier", "/console/clusters/cluster-a/tiers",
     dict(code="premium", category="premium", name_fr="Premium", name_en="Premium", fee="10"),
     "min_headcount", "-1", "positif"),
    ("partnership", "/console/clusters/cluster-a/partnerships", dict(own_share_percent="50"),
     "reciprocity_percent", "140", "100"),
    ("staff", "/console/clusters/cluster-a/staff", dict(role="manager"), "email", "pas-un-email", "adresse électronique"),
    ("organization", "/account/organization", VALID_ORGANIZATION, "siret", "11111111111111", "SIRET invalide"),
    ("organization", "/account/organization", VALID_ORGANIZATION, "headcount", "-1", "positif"),
    ("organization", "/account/organization", VALID_ORGANIZATION, "vat_number", "FR12", "TVA"),
    ("organization", "/account/organization", VALID_ORGANIZATION, "email", "a@b", "adresse électronique"),
]


@pytest.mark.parametrize("form,url,base,field,bad,words", CASES,
                         ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, db, setup, form, url, base, field,
                                                                     bad, words):
    user = setup["member"] if form == "organization" else setup["admin"]
    login(client, user.email, PASSWORD)
    data = {**base, field: bad, "csrf_token": csrf_token(client, "/")}
    if form == "member":
        data["tier_id"] = str(setup["tier"].id)
    if form == "partnership":
        data["partner_id"] = str(setup["other"].id)
    before = snapshot(db)
    response = client.post(url, data=data)
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), field)
    assert words.lower() in message.lower()
    assert snapshot(db) == before


def test_valid_member_form_saves_organization_membership_and_contact(client, db, setup):
    login(client, setup["admin"].email, PASSWORD)
    data = {**VALID_MEMBER, "siret": " " + make_siret(804) + " ", "tier_id": str(setup["tier"].id),
            "contact_email": "Contact@Nouvelle.fr", "csrf_token": csrf_token(client, "/")}
    response = client.post("/console/clusters/cluster-a/members", data=data)
    assert response.status_code == 303
    html = client.get("/console/clusters/cluster-a/members").get_data(as_text=True)
    assert "Nouvelle Entreprise" in html and make_siret(804) in html
    assert "contact@nouvelle.fr" in [row[1] for row in snapshot(db)["user"]]

