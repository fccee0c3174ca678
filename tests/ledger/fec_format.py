"""The FEC format test, shared by every test that exports a FEC file."""

from __future__ import annotations

import re

from marketplace.ledger.fec import COLUMNS


def _cents(value: str) -> int:
    whole, frac = value.split(",")
    return int(whole) * 100 + int(frac)


def check_fec(raw: bytes, accounts: set[str] | None = None) -> list[list[str]]:
    """Assert the legal format (18 columns in order, tabs, ISO-8859-15, AAAAMMJJ, decimal comma, no
    empty last line) and that debits equal credits; returns the rows after the header."""
    text = raw.decode("iso-8859-15")
    assert not text.endswith(("\n", "\r"))
    rows = [row.split("\t") for row in text.split("\r\n")]
    assert tuple(rows[0]) == COLUMNS and all(len(row) == 18 for row in rows)
    body = rows[1:]
    for row in body:
        assert row[0] in {"VT", "BQ", "OD"} and row[1]
        assert re.fullmatch(r"\d{8}", row[3]) and re.fullmatch(r"\d{8}", row[9]) and re.fullmatch(r"\d{8}", row[15])
        assert re.fullmatch(r"\d+,\d{2}", row[11]) and re.fullmatch(r"\d+,\d{2}", row[12])
        assert re.fullmatch(r"\d{3,8}", row[4]), row[4]
        if accounts is not None:
            assert row[4] in accounts
    assert sum(_cents(r[11]) for r in body) == sum(_cents(r[12]) for r in body)
    return body
