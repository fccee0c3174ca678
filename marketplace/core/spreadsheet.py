"""Rows as a CSV a French spreadsheet opens as is, with no cell it would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

# A spreadsheet reads a cell starting with one of these as a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What decimal_comma and int write: such a cell must stay a number, minus sign included.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(,[0-9]+)?")


def spreadsheet_cell(value) -> str:
    """A cell as text a spreadsheet never runs as a formula; plain numbers are left as they are."""
    text = "" if value is None else str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    # Leading spaces are skipped by some spreadsheets before they look for a formula.
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START):
        return "'" + text
    return text


def spreadsheet_csv(rows: Iterable[Sequence]) -> bytes:
    """Rows (the header first) as a CSV a French spreadsheet opens as is: semicolons, CRLF, UTF-8 with BOM.

    Amounts go in as decimal_comma(cents) so that they read as numbers; every other cell that a
    spreadsheet would run as a formula (a cluster or payer name like "=HYPERLINK(...)") gets a leading quote.
    """
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [spreadsheet_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
