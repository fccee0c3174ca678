"""CFONB 120 bank statements (the French banks' fixed-width format): the credits on the account.

Records of 120 characters: 01 opening balance, 04 movement, 05 complement of the movement before
it (payer's name, remittance information), 07 closing balance. A movement's amount ends with a
character that carries its sign and last digit ("{" / "A"…"I" credit, "}" / "J"…"R" debit).
"""

from __future__ import annotations

import hashlib
from datetime import date

from flask_babel import gettext as _

from ..core.text import has_control_characters
from .camt import Credit, StatementError, find_creditor_reference

RECORD = 120
_LAST = {**{"{": (1, 0), "}": (-1, 0)}, **{chr(ord("A") + i): (1, i + 1) for i in range(9)},
         **{chr(ord("J") + i): (-1, i + 1) for i in range(9)}}


def _digits(text: str) -> bool:
    """Only 0-9: str.isdigit() also accepts '²' or '¹', which int() refuses."""
    return text.isascii() and text.isdigit()


def looks_like_cfonb(data: bytes) -> bool:
    return data[:2] in (b"01", b"04", b"05", b"07")


def _records(data: bytes) -> list[str]:
    # Banks write CFONB in ASCII or a Windows code page (its 0x80-0x9F are letters such as "’", not controls).
    text = data.decode("cp1252", errors="replace")
    lines = [line.rstrip("\r") for line in text.split("\n") if line.strip()]
    if len(lines) == 1 and len(lines[0]) > RECORD and len(lines[0]) % RECORD == 0:  # no line breaks at all
        lines = [lines[0][i:i + RECORD] for i in range(0, len(lines[0]), RECORD)]
    for number, line in enumerate(lines, start=1):
        # A control character (a NUL byte...) is no part of a record, and the database would refuse it in a text.
        if len(line) > RECORD or line[:2] not in ("01", "04", "05", "07") or has_control_characters(line):
            raise StatementError(_("la ligne %(n)d n'est pas un enregistrement CFONB 120.", n=number))
    return [line.ljust(RECORD) for line in lines]


def _amount(field: str, decimals: int) -> int:
    """Cents of a signed CFONB amount (13 digits and a sign-and-digit character)."""
    digits, last = field[:-1], field[-1]
    if not _digits(digits) or last not in _LAST or not 0 <= decimals <= 3:
        raise StatementError(_("montant illisible : « %(field)s ».", field=field.strip()))
    sign, digit = _LAST[last]
    value = int(digits) * 10 + digit
    return sign * (value * 100 // 10**decimals)


def _day(field: str) -> date:
    try:
        return date(2000 + int(field[4:6]), int(field[2:4]), int(field[0:2]))
    except ValueError as exc:
        raise StatementError(_("date illisible : « %(field)s ».", field=field.strip())) from exc


def parse_cfonb120(data: bytes) -> list[Credit]:
    """Every credit movement of the statement with its reference and payer; raises StatementError."""
    movements: list[dict] = []
    for record in _records(data):
        if record[:2] == "04":
            movements.append({"record": record, "texts": [record[48:79], record[104:120]], "payer": ""})
        elif record[:2] == "05" and movements:
            qualifier, info = record[45:48], record[48:118].strip()
            movements[-1]["texts"].append(info)
            if qualifier == "NPY" and not movements[-1]["payer"]:
                movements[-1]["payer"] = info
    credits, seen = [], {}
    for movement in movements:
        record = movement["record"]
        if not _digits(record[19]):
            raise StatementError(_("nombre de décimales illisible."))
        cents = _amount(record[90:104], int(record[19]))
        if cents <= 0:
            continue
        booked = _day(record[34:40])
        label = record[48:79].strip()
        # The bank's entry number is not always filled: the account, day, amount and texts identify it.
        key = "|".join([record[2:7], record[11:16], record[21:32], record[34:40], record[81:88], str(cents),
                        *movement["texts"]])
        seen[key] = seen.get(key, 0) + 1  # the same movement twice in a file: two payments
        key += f"#{seen[key]}"
        entry_id = "CFONB-" + hashlib.sha256(key.encode()).hexdigest()[:32]
        credits.append(Credit(entry_id=entry_id, amount_cents=cents, currency=record[16:19].strip() or "EUR",
                              booked_on=booked, reference=find_creditor_reference(*movement["texts"]),
                              payer=(movement["payer"] or label)[:140]))
    return credits
