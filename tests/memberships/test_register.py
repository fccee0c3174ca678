"""The member register as a file: an import is all or nothing, never changes a known organization, and
re-reads its own export; the console home's membership figures."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from marketplace.clusters.models import Organization
from marketplace.core.errors import Invalid
from marketplace.memberships.models import Membership
from marketplace.memberships.register import (
    decode_upload,
    export_members,
    import_members,
    membership_figures,
)
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, make_siret

HEADER = "nom;type;siret;tva;effectif;chiffre_affaires;email;adresse;code_postal;ville;annee;formule;statut"
S1, S2, S3, KNOWN = make_siret(7001), make_siret(7002), make_siret(7003), make_siret(7004)


@pytest.fixture
def world(factories):
    """Cluster A with a grid (classic, partner) and a known organization, already a member for 2025."""
    a = factories.make_cluster(slug="cluster-a", name="Cluster A")
    classic = factories.make_tier(a, code="classique", fee_cents=60000)
    factories.make_tier(a, code="partenaire", category="partner", fee_cents=90000)
    known = factories.make_organization(name="Connue SA", siret=KNOWN, headcount=30,
                                        email="contact@connue.fr", city="Brest")
    factories.make_membership(known, a, classic, year=2025, status="active")
    return dict(a=a, classic=classic, known=known, factories=factories)


@pytest.fixture
def in_request(app):
    """Services speak French through gettext, which needs a request context."""
    with app.test_request_context():
        yield


def _csv(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def _counts(db) -> tuple[int, int]:
    db.rollback()
    return (db.exec(select(func.count(Organization.id))).one(), db.exec(select(func.count(Membership.id))).one())


BAD_FILE = _csv(
    f"Alpha;entreprise;{S1};;12;;;;;;2026;classique;",              # 2: fine
    "Bêta;entreprise;12345678901234;;5;;;;;;2026;classique;",       # 3: bad SIRET
    f"Gamma;entreprise;{S2};;5;;;;;;2026;platine;",                 # 4: unknown tier
    f"Alpha bis;entreprise;{S1};;12;;;;;;2026;classique;",          # 5: same SIRET and year as line 2
    f"Delta;entreprise;{S3};;5;;;;;;20x6;classique;",               # 6: bad year
    f"Connue;entreprise;{KNOWN};;30;;;;;;2025;classique;",          # 7: already a member for 2025
    f"Epsilon;entreprise;{make_siret(7005)};;douze;;;;;;2026;classique;",  # 8: bad integer
)


def test_every_bad_line_is_reported_and_nothing_is_imported(db, world, in_request):
    before = _counts(db)
    report = import_members(db, world["a"], BAD_FILE, dry_run=False)
    db.commit()
    assert [line for line, _message in report.errors] == [3, 4, 5, 6, 7, 8]
    messages = dict(report.errors)
    assert "SIRET invalide" in messages[3]
    assert "platine" in messages[4] and "classique" in messages[4]
    assert "ligne 2" in messages[5]
    assert "20x6" in messages[6]
    assert "déjà adhérent" in messages[7]
    assert "douze" in messages[8]
    assert not report.written
    assert _counts(db) == before


def test_the_fixed_file_is_imported_and_a_known_organization_is_left_as_it_is(db, world, in_request):
    fixed = _csv(
        f"Alpha;entreprise;{S1};;12;250000;compta@alpha.fr;1 rue Haute;29200;Brest;2026;classique;",
        f"Bêta;prestataire;{S2};FR40303265045;5;;;;;;2026;partenaire;pending",
        f"Alpha;entreprise;{S1};;12;;;;;;2027;classique;",
        f"Pirate SARL;company;{KNOWN};;3;;pirate@evil.example;ailleurs;75001;Paris;2026;classique;expired",
        "Jeanne Martin;personne;;;0;;jeanne@exemple.fr;;;;2026;classique;",
    )
    before = _counts(db)
    report = import_members(db, world["a"], fixed, dry_run=False)
    db.commit()
    assert report.errors == [] and report.written
    assert (report.rows, report.memberships, report.created_organizations, report.existing_organizations) == (
        5, 5, 3, 1)
    assert _counts(db) == (before[0] + 3, before[1] + 5)
    known = db.get(Organization, world["known"].id)
    db.refresh(known)
    assert (known.name, known.headcount, known.email, known.city, known.postal_code) == (
        "Connue SA", 30, "contact@connue.fr", "Brest", "")
    membership = db.exec(select(Membership).where(Membership.organization_id == known.id,
                                                  Membership.year == 2026)).one()
    assert (membership.status, membership.fee_cents) == ("expired", 60000)
    alpha = db.exec(select(Organization).where(Organization.siret == S1)).one()
    assert (alpha.turnover_euros, alpha.city, alpha.email) == (250000, "Brest", "compta@alpha.fr")
    beta = db.exec(select(Organization).where(Organization.siret == S2)).one()
    assert (beta.kind, beta.vat_number) == ("service_provider", "FR40303265045")
    assert db.exec(select(Membership).where(Membership.organization_id == beta.id)).one().status == "pending"


def test_a_dry_run_writes_nothing_but_lists_what_it_would_create(db, world, in_request):
    text = _csv(f"Alpha;entreprise;{S1};;12;;;;;;2026;classique;",
                f"Connue;entreprise;{KNOWN};;30;;;;;;2026;classique;")
    before = _counts(db)
    report = import_members(db, world["a"], text, dry_run=True)
    db.commit()
    assert report.errors == [] and not report.written
    assert [(line.line, line.name, line.organization_is_new) for line in report.lines] == [
        (2, "Alpha", True), (3, "Connue SA", False)]
    assert _counts(db) == before


def test_rules_of_the_grid_are_checked_in_a_dry_run_too(db, world, in_request):
    text = _csv(f"Alpha;entreprise;{S1};;12;;;;;;2026;partenaire;")  # the partner tier is for providers
    report = import_members(db, world["a"], text, dry_run=True)
    assert [line for line, _message in report.errors] == [2]
    assert "prestataires" in report.errors[0][1]


def test_comma_separated_file_with_bom_and_limits(db, world, in_request):
    text = "\ufeff" + _csv(f"Alpha;entreprise;{S1};;12;;;;;;2026;classique;").replace(";", ",").replace(
        "annee", "Année")  # as a spreadsheet user types it
    assert import_members(db, world["a"], text, dry_run=True).memberships == 1
    with pytest.raises(Invalid) as not_utf8:
        decode_upload("Société;2026".encode("latin-1"))
    assert "UTF-8" in not_utf8.value.message
    too_long = _csv(*[f"Org {n};personne;;;0;;;;;;2026;classique;" for n in range(5001)])
    with pytest.raises(Invalid) as refused:
        import_members(db, world["a"], too_long, dry_run=True)
    assert "5000" in refused.value.message or "5 000" in refused.value.message
    with pytest.raises(Invalid):
        import_members(db, world["a"], "nom;siret\nAlpha;" + S1, dry_run=True)  # no year, no tier


def test_export_then_import_into_another_cluster_and_year_round_trips(db, world, in_request):
    f, a = world["factories"], world["a"]
    b = f.make_cluster(slug="cluster-b", name="Cluster B")
    f.make_tier(b, code="classique", fee_cents=60000)
    text = _csv(f"=HYPERLINK(\"http://evil\");entreprise;{S1};;12;1000;a@alpha.fr;1 rue;29200;Brest;2026;classique;",
                f"Connue;entreprise;{KNOWN};;30;;;;;;2026;classique;pending",
                "Jeanne Martin;personne;;;0;;;;;;2026;classique;")
    assert import_members(db, a, text, dry_run=False).written
    db.commit()
    exported = export_members(db, a, 2026)
    assert exported.splitlines()[0].split(";") == [*HEADER.split(";"), "cotisation"]
    assert "'=HYPERLINK" in exported  # a spreadsheet shows the name, it does not run it
    assert ";600,00" in exported
    report = import_members(db, b, exported, dry_run=False)
    db.commit()
    assert report.errors == [] and report.memberships == 3
    assert export_members(db, b, 2026) == exported
    next_year = exported.replace(";2026;", ";2027;")
    assert import_members(db, a, next_year, dry_run=False).memberships == 3
    db.commit()
    assert export_members(db, a, 2027) == next_year
    assert db.exec(select(Organization).where(Organization.siret == S1)).one().name == '=HYPERLINK("http://evil")'


@pytest.fixture
def staff(world):
    f, a = world["factories"], world["a"]
    return dict(admin=f.make_staff(a, "admin", email="admin@cluster-a.fr"),
                manager=f.make_staff(a, "manager", email="gestion@cluster-a.fr"))


def _upload(client, content: bytes, **fields):
    data = {"file": (io.BytesIO(content), "membres.csv"),
            "csrf_token": csrf_token(client, "/console/clusters/cluster-a/members/import"), **fields}
    return client.post("/console/clusters/cluster-a/members/import", data=data, content_type="multipart/form-data")


def test_console_import_simulates_then_imports(client, db, world, staff):
    login(client, staff["admin"].email, PASSWORD)
    page = client.get("/console/clusters/cluster-a/members/import")
    assert page.status_code == 200
    assert re.search(r'<input[^>]*\bchecked\b[^>]*name="dry_run"', page.get_data(as_text=True))  # simulation first
    text = _csv(f"Alpha;entreprise;{S1};;12;;;;;;2026;classique;").encode()
    before = _counts(db)
    simulated = _upload(client, text, dry_run="y")
    assert simulated.status_code == 200 and "Alpha" in simulated.get_data(as_text=True)
    assert _counts(db) == before
    imported = _upload(client, text)
    assert imported.status_code == 303
    assert imported.headers["Location"].endswith("/console/clusters/cluster-a/members")
    assert _counts(db) == (before[0] + 1, before[1] + 1)
    assert "Import terminé" in client.get("/console/clusters/cluster-a/members").get_data(as_text=True)


def test_console_import_shows_each_bad_line(client, db, world, staff):
    login(client, staff["admin"].email, PASSWORD)
    before = _counts(db)
    response = _upload(client, BAD_FILE.encode())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for line in (3, 4, 5, 6, 7, 8):
        assert re.search(rf'<td class="num">{line}</td>', page)
    assert _counts(db) == before
    refused = _upload(client, "nom;annee;formule\nSociété;2026;classique\n".encode("latin-1"))
    assert refused.status_code == 422 and "UTF-8" in refused.get_data(as_text=True)


def test_a_manager_sees_the_import_page_but_cannot_import(client, db, world, staff):
    login(client, staff["manager"].email, PASSWORD)
    assert client.get("/console/clusters/cluster-a/members/import").status_code == 200
    before = _counts(db)
    assert _upload(client, _csv(f"Alpha;entreprise;{S1};;12;;;;;;2026;classique;").encode()).status_code == 403
    assert _counts(db) == before


def test_staff_of_another_cluster_cannot_export(client, world):
    other = world["factories"].make_cluster(slug="cluster-b")
    outsider = world["factories"].make_staff(other, "admin", email="admin@cluster-b.fr")
    login(client, outsider.email, PASSWORD)
    assert client.get("/console/clusters/cluster-a/members/export.csv").status_code == 403


def test_export_downloads_a_csv_for_excel(client, world, staff):
    login(client, staff["manager"].email, PASSWORD)
    response = client.get("/console/clusters/cluster-a/members/export.csv?year=2025")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="adherents-cluster-a-2025.csv"'
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("nom;type;siret") and len(lines) == 2
    assert lines[1].startswith(f"Connue SA;entreprise;{KNOWN};") and lines[1].endswith(";2025;classique;active;600,00")


def test_members_page_links_to_import_and_export(client, world, staff):
    login(client, staff["manager"].email, PASSWORD)
    page = client.get("/console/clusters/cluster-a/members").get_data(as_text=True)
    assert "/console/clusters/cluster-a/members/import" in page
    assert "/console/clusters/cluster-a/members/export.csv" in page


def _member(f, cluster, tier, year, status, **values):
    return f.make_membership(f.make_organization(), cluster, tier, year=year, status=status, **values)


def test_figures_count_members_pending_lapsed_fees_and_retention(db, world):
    f, a, tier = world["factories"], world["a"], world["classic"]
    renewed, gone = f.make_organization(), f.make_organization()
    f.make_membership(renewed, a, tier, year=2030, status="active")
    f.make_membership(gone, a, tier, year=2030, status="expired")
    f.make_membership(renewed, a, tier, year=2031, status="active", fee_cents=61000)
    f.make_membership(gone, a, tier, year=2031, status="lapsed")
    _member(f, a, tier, 2031, "pending")  # a new member that has not paid yet
    _member(f, a, tier, 2030, "excluded")  # not a member last year
    figures = membership_figures(db, a.id, 2031, today=date(2031, 3, 1))
    assert (figures.members, figures.pending, figures.lapsed, figures.fees_cents) == (1, 1, 1, 61000)
    assert (figures.last_year_members, figures.renewed, figures.retention, figures.retention_bps) == (
        2, 1, 0.5, 5000)
    assert membership_figures(db, a.id, 2040).retention is None


def test_a_renewal_in_its_grace_period_counts_as_renewed(db, world):
    f, a, tier = world["factories"], world["a"], world["classic"]
    org = f.make_organization()
    f.make_membership(org, a, tier, year=2030, status="active")
    f.make_membership(org, a, tier, year=2031, status="pending", grace_until=date(2031, 3, 31))
    in_grace = membership_figures(db, a.id, 2031, today=date(2031, 3, 1))
    assert (in_grace.members, in_grace.pending, in_grace.renewed, in_grace.retention_bps) == (1, 1, 1, 10000)
    after = membership_figures(db, a.id, 2031, today=date(2031, 4, 1))
    assert (after.members, after.renewed, after.retention_bps) == (0, 0, 0)


def test_console_home_shows_the_figures(client, factories):
    home = factories.make_cluster(slug="cluster-h")
    tier = factories.make_tier(home, fee_cents=60000)
    year = date.today().year
    kept, left = factories.make_organization(), factories.make_organization()
    factories.make_membership(kept, home, tier, year=year - 1, status="expired")
    factories.make_membership(left, home, tier, year=year - 1, status="active")
    factories.make_membership(kept, home, tier, year=year, status="active")
    factories.make_membership(left, home, tier, year=year, status="pending",
                              grace_until=date.today() - timedelta(days=1))
    login(client, factories.make_staff(home, "manager").email, PASSWORD)
    page = client.get("/console/clusters/cluster-h/").get_data(as_text=True)
    assert re.search(r">50\s%<", page)
    assert "1 renouvelé sur 2" in page
    assert "600,00" in page
