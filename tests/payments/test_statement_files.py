"""Uploaded bank statements are read by a hardened parser: no DTD, entity or external reference in
any encoding, and a malformed file is refused with a reason, never a server error."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from marketplace.core.errors import Invalid
from marketplace.payments.camt import StatementError, parse_camt053
from marketplace.payments.cfonb import parse_cfonb120
from marketplace.payments.models import Payment
from marketplace.payments.services import import_statement
from tests.admin.test_permissions import snapshot, world  # noqa: F401
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.payments import test_cfonb as cfonb
from tests.payments.camt_sample import entry, statement

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
LAUGHS = ('<!DOCTYPE Document [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")


def _with_doctype(doctype: str, payer: str = "&payer;") -> str:
    """A camt.053 statement in text, with a DTD after the XML declaration and `payer` as the payer's name."""
    text = statement(entry("E1", 4200, "RF18539007547034", payer=payer)).decode()
    return text.replace(DECLARATION.decode(), DECLARATION.decode() + "\n" + doctype, 1)


def _utf16(text: str) -> bytes:
    return text.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")


ENTITY = _with_doctype('<!DOCTYPE Document [<!ENTITY payer "ACHETEUR SAS">]>')
BILLION_LAUGHS = _with_doctype(LAUGHS, payer="&lol9;")
EXTERNAL = _with_doctype('<!DOCTYPE Document [<!ENTITY payer SYSTEM "file:///etc/passwd">]>')


@pytest.mark.parametrize("data", [
    pytest.param(_utf16(ENTITY), id="utf16-internal-entity"),
    pytest.param(ENTITY.encode(), id="utf8-internal-entity"),
    pytest.param(_utf16(BILLION_LAUGHS), id="utf16-billion-laughs"),
    pytest.param(BILLION_LAUGHS.encode(), id="utf8-billion-laughs"),
    pytest.param(_utf16(EXTERNAL), id="utf16-external-entity"),
    pytest.param(EXTERNAL.encode(), id="utf8-external-entity"),
    pytest.param(_utf16(_with_doctype("<!DOCTYPE Document>", payer="ACHETEUR SAS")), id="utf16-bare-doctype"),
])
def test_dtds_and_entities_are_refused_in_any_encoding(data):
    with pytest.raises(StatementError, match="DTD"):
        parse_camt053(data)


def test_a_utf16_statement_without_dtd_is_read():
    text = statement(entry("E1", 4200, "RF18539007547034", payer="Société Générale d'Études")).decode()
    [credit] = parse_camt053(_utf16(text))
    assert (credit.amount_cents, credit.reference, credit.payer) == (4200, "RF18539007547034",
                                                                     "Société Générale d'Études")


@pytest.mark.parametrize("amount", [b"NaN", b"sNaN", b"Infinity", b"1E+40", b"-0"])
def test_an_amount_that_is_not_a_number_of_cents_is_refused(amount):
    with pytest.raises(StatementError, match="montant de l.écriture n° 1"):
        parse_camt053(statement(entry("E1", 100, "x")).replace(b"1.00", amount))


@pytest.mark.parametrize("damage", [
    pytest.param(lambda record: record[:90] + "000000000²000{" + record[104:], id="superscript-digit-amount"),
    pytest.param(lambda record: record[:19] + "²" + record[20:], id="superscript-digit-decimals"),
    pytest.param(lambda record: record[:50] + "\x00" + record[51:], id="nul-byte"),
])
def test_bad_bytes_in_a_cfonb_statement_are_refused_with_a_reason(damage):
    record = damage(cfonb.movement(60_000, "VIR SEPA STUDIO PIXEL"))
    with pytest.raises(StatementError):
        parse_cfonb120(cfonb.statement(record))


def test_a_statement_with_an_entity_is_refused_by_the_import_and_records_nothing(db, factories, app):
    with app.test_request_context():
        staff = factories.make_user("tresor@federation.fr", is_platform_admin=True)
        db.commit()
    with pytest.raises(Invalid) as refused:
        import_statement(db, "releve.xml", _utf16(ENTITY), staff.id)
    db.rollback()
    assert "Relevé illisible" in refused.value.message and "DTD" in refused.value.message
    assert db.exec(select(Payment)).all() == []


def test_the_console_import_of_a_statement_with_an_entity_shows_the_error(client, db, world):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    before = snapshot(db)
    pending = world["pending"]
    text = _with_doctype('<!DOCTYPE Document [<!ENTITY ref "' + pending.payment_reference + '">]>',
                         payer="ACHETEUR SAS").replace("RF18539007547034", "&ref;")
    response = client.post("/console/payments/statements", data={
        "csrf_token": csrf_token(client, "/account"),
        "statement": (io.BytesIO(_utf16(text)), "releve.xml")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Relevé illisible" in page and "DTD" in page
    db.rollback()
    assert snapshot(db) == before
