"""CFONB 120 statements: credits read with their references, matched like camt.053, never twice."""

from __future__ import annotations

from datetime import date

import pytest

from marketplace.core.errors import Conflict, Invalid
from marketplace.payments.camt import StatementError
from marketplace.payments.cfonb import _amount, parse_cfonb120
from marketplace.payments.services import import_statement

BANK, DESK, ACCOUNT = "30004", "00010", "00000123549"


def _signed(cents: int) -> str:
    """13 digits and the sign-and-last-digit character, as banks write amounts."""
    digits = f"{abs(cents):014d}"
    last = int(digits[-1])
    char = ("{" if last == 0 else chr(ord("A") + last - 1)) if cents >= 0 else ("}" if last == 0 else chr(ord("J") + last - 1))
    return digits[:-1] + char


def movement(cents: int, label: str, day: str = "141026", number: str = "0000001", reference: str = "") -> str:
    record = (f"04{BANK}0001{DESK}EUR2 {ACCOUNT}05{day}  {day}{label:<31.31}  {number:>7}  {_signed(cents)}"
              f"{reference:<16.16}")
    assert len(record) == 120
    return record


def complement(qualifier: str, info: str) -> str:
    record = f"05{BANK}0001{DESK}EUR2 {ACCOUNT}05{'':<11}{qualifier}{info:<70.70}  "
    assert len(record) == 120
    return record


def balance(code: str, cents: int) -> str:
    record = f"{code}{BANK}    {DESK}EUR2 {ACCOUNT}  131026{'':<50}{_signed(cents)}{'':<16}"
    assert len(record) == 120, len(record)
    return record


def statement(*records: str) -> bytes:
    return "\r\n".join([balance("01", 100_000), *records, balance("07", 200_000)]).encode("latin-1")


def test_amounts_carry_their_sign_in_the_last_character():
    assert _amount("0000000012345" + "E", 2) == 123_455
    assert _amount("0000000001000" + "{", 2) == 10_000
    assert _amount("0000000001000" + "}", 2) == -10_000
    assert _amount("0000000000012" + "N", 2) == -125
    with pytest.raises(StatementError):
        _amount("00000000000x0" + "{", 2)


def test_credits_are_read_with_payer_and_reference_debits_are_left_out():
    data = statement(movement(60_000, "VIR SEPA STUDIO PIXEL"), complement("NPY", "STUDIO PIXEL SENTIER"),
                     complement("LIB", "RF18 5390 0754 7034 COMMANDE"),
                     movement(-4_500, "PRLV FOURNISSEUR", number="0000002"))
    [credit] = parse_cfonb120(data)
    assert (credit.amount_cents, credit.booked_on, credit.reference, credit.payer) == (
        60_000, date(2026, 10, 14), "RF18539007547034", "STUDIO PIXEL SENTIER")
    assert parse_cfonb120(data.replace(b"\r\n", b""))[0] == credit  # a file without line breaks


def test_an_imported_cfonb_statement_pays_its_order_once(app, db, factories):
    with app.test_request_context():
        order = factories.make_order(factories.make_offer(factories.make_cluster(), list_price_cents=50_000))
        admin = factories.make_user(is_platform_admin=True)
        pays = movement(order.total_incl_cents, "VIR SEPA ACHETEUR", reference=order.payment_reference)
        result = import_statement(db, "releve.txt", statement(pays), admin.id)
        assert [p.match_status for p in result.recorded] == ["matched"] and order.status == "paid"
        with pytest.raises(Conflict):
            import_statement(db, "releve.txt", statement(pays), admin.id)
        again = import_statement(db, "releve-2.txt", statement(pays, movement(1_000, "VIR AUTRE", number="0000009")),
                                 admin.id)
        assert (again.entries, len(again.recorded), again.already_known) == (2, 1, 1)
        assert again.recorded[0].match_status == "unmatched"
        with pytest.raises(Invalid, match="illisible"):
            import_statement(db, "faux.txt", b"04 not a statement", admin.id)
