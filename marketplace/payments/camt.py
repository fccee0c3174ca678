"""Read credit entries from an ISO 20022 camt.053 bank statement (any version of the namespace)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

import defusedxml
from defusedxml import ElementTree
from flask_babel import gettext as _
from stdnum import iso11649

RF_START = re.compile(r"^RF\d{2}")


class StatementError(ValueError):
    """The file is not a readable camt.053 statement."""


@dataclass(frozen=True)
class Credit:
    entry_id: str
    amount_cents: int
    currency: str
    booked_on: date
    reference: str
    payer: str


def _text(node, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def find_creditor_reference(*texts: str) -> str:
    """The first valid ISO 11649 reference (RF…) in the texts, printed whole or in groups of four.

    Candidates are built from whole words only and must pass the check digits, so surrounding words
    ("Facture RF34 C202 6000 003 merci") are never swallowed.
    """
    for raw in texts:
        words = [w.strip(".,;:()[]") for w in raw.upper().split()]
        for start, word in enumerate(words):
            if not RF_START.match(word):
                continue
            candidate = ""
            for part in words[start:start + 7]:
                candidate += part
                if len(candidate) > 25:
                    break
                if iso11649.is_valid(candidate):
                    return candidate
    return ""


def _parse(data: bytes):
    """The root element of an uploaded file, read by a parser that refuses DTDs, entities and external references."""
    # The parser, not a search of the bytes, must refuse them: a file in UTF-16 hides "<!DOCTYPE" from a byte search.
    try:
        return ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise StatementError(_("le fichier contient une DTD ou des entités XML, qu'un relevé bancaire n'a pas.")) from exc
    except ElementTree.ParseError as exc:
        raise StatementError(_("ce n'est pas un fichier XML (ni un relevé CFONB 120). Téléchargez le relevé au format "
                             "camt.053 ou CFONB 120 depuis votre banque.")) from exc


def parse_camt053(data: bytes) -> list[Credit]:
    """Every booked credit entry of the statement; raises StatementError on anything unreadable."""
    root = _parse(data)
    if not root.tag.endswith("Document") or root.find("{*}BkToCstmrStmt") is None:
        raise StatementError(_("ce fichier XML n'est pas un relevé de compte camt.053."))
    credits = []
    for statement in root.iterfind("{*}BkToCstmrStmt/{*}Stmt"):
        statement_id = _text(statement, "{*}Id")
        for index, entry in enumerate(statement.iterfind("{*}Ntry")):
            if _text(entry, "{*}CdtDbtInd") != "CRDT":
                continue
            status = _text(entry, "{*}Sts/{*}Cd") or _text(entry, "{*}Sts")
            if status and status != "BOOK":
                continue
            amount_node = entry.find("{*}Amt")
            try:
                amount = Decimal((amount_node.text or "").strip())
                in_cents = amount.is_finite() and amount > 0 and amount == amount.quantize(Decimal("0.01"))
            except (AttributeError, InvalidOperation) as exc:  # no amount, not a number, or too many digits
                raise StatementError(_("le montant de l'écriture n° %(n)d est illisible.", n=index + 1)) from exc
            if not in_cents:
                raise StatementError(_("le montant de l'écriture n° %(n)d doit être positif, avec deux décimales au plus.",
                                       n=index + 1))
            booked = _text(entry, "{*}BookgDt/{*}Dt") or _text(entry, "{*}BookgDt/{*}DtTm")[:10]
            try:
                booked_on = date.fromisoformat(booked)
            except ValueError as exc:
                raise StatementError(_("la date de l'écriture n° %(n)d est illisible.", n=index + 1)) from exc
            details = entry.find("{*}NtryDtls/{*}TxDtls")
            structured = unstructured = payer = ""
            if details is not None:
                structured = _text(details, "{*}RmtInf/{*}Strd/{*}CdtrRefInf/{*}Ref")
                unstructured = " ".join((n.text or "") for n in details.iterfind("{*}RmtInf/{*}Ustrd"))
                payer = _text(details, "{*}RltdPties/{*}Dbtr/{*}Nm") or _text(details, "{*}RltdPties/{*}Dbtr/{*}Pty/{*}Nm")
            entry_ref = (_text(entry, "{*}AcctSvcrRef") or _text(entry, "{*}NtryRef")
                         or f"{statement_id}/{index + 1}")
            credits.append(Credit(entry_id=entry_ref, amount_cents=int(amount * 100),
                                  currency=amount_node.get("Ccy", "EUR"), booked_on=booked_on,
                                  reference=find_creditor_reference(structured, unstructured) or unstructured[:140],
                                  payer=payer[:140]))
    return credits


NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def credit_entry(entry_id: str, cents: int, reference: str, payer: str, booked: date) -> str:
    """One booked SEPA credit entry paying `reference` (structured creditor reference), as XML."""
    return f"""
    <Ntry>
      <Amt Ccy="EUR">{cents // 100}.{cents % 100:02d}</Amt>
      <CdtDbtInd>CRDT</CdtDbtInd>
      <Sts><Cd>BOOK</Cd></Sts>
      <BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt>
      <ValDt><Dt>{booked.isoformat()}</Dt></ValDt>
      <AcctSvcrRef>{entry_id}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls>
        <RltdPties><Dbtr><Pty><Nm>{escape(payer)}</Nm></Pty></Dbtr></RltdPties>
        <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{escape(reference)}</Ref>
        </CdtrRefInf></Strd></RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>"""


def build_camt053(entries: list[str], iban: str, statement_id: str) -> bytes:
    """A camt.053.001.08 statement around the given entries (for the demo and tests)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <Acct><Id><IBAN>{iban}</IBAN></Id></Acct>{''.join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()
