"""A budget as a spreadsheet: export a cluster's years, import lines from CSV (simulated first).

An import is all or nothing: one bad line and nothing is written. Each line sets one amount (year,
scenario, origin); lines the file does not name are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlmodel import Session, select

from ..clusters.models import Cluster
from ..core.money import decimal_comma, euros_to_cents
from ..core.spreadsheet import spreadsheet_csv
from ..core.text import one_line
from .ledger_feed import ledger_year
from .models import Budget
from .origins import GROUP_WORDS, ORIGINS
from .services import FIRST_YEAR, LAST_YEAR, MAX_CENTS, budget_for, entered_lines, set_lines

MAX_ROWS = 2000
COLUMNS = ("annee", "scenario", "origine", "montant")
SCENARIO_WORDS = {"prevu": "forecast", "prévu": "forecast", "previsionnel": "forecast", "prévisionnel": "forecast",
                  "forecast": "forecast", "realise": "actual", "réalisé": "actual", "actual": "actual"}
EXPORT_SCENARIOS = {"forecast": "prévu", "actual": "réalisé"}
ORIGIN_WORDS = {**{o.code: o.code for o in ORIGINS}, **{o.words.lower(): o.code for o in ORIGINS}}


@dataclass(frozen=True)
class ImportedLine:
    line: int
    year: int
    scenario: str
    origin: str
    cents: int
    before_cents: int | None


@dataclass
class ImportReport:
    rows: int = 0
    lines: list[ImportedLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    written: bool = False


def _amount(text: str) -> int:
    value = Decimal(re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", "."))
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise InvalidOperation
    return euros_to_cents(value)


def _read_line(row: dict) -> tuple[int, str, str, int]:
    """(year, scenario, origin, cents) of one line; ValueError with the reason otherwise."""
    year_text = (row.get("annee") or "").strip()
    if not year_text.isdigit() or not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
        raise ValueError(_("année « %(value)s » invalide (de %(low)d à %(high)d)", value=one_line(year_text)[:20],
                           low=FIRST_YEAR, high=LAST_YEAR))
    scenario = SCENARIO_WORDS.get((row.get("scenario") or "").strip().lower())
    if scenario is None:
        raise ValueError(_("scénario « %(value)s » inconnu (prévu ou réalisé)",
                           value=one_line(row.get("scenario") or "")[:30]))
    origin = ORIGIN_WORDS.get((row.get("origine") or "").strip().lower())
    if origin is None:
        raise ValueError(_("origine « %(value)s » inconnue", value=one_line(row.get("origine") or "")[:60]))
    try:
        cents = _amount(row.get("montant") or "")
    except (InvalidOperation, ValueError):
        raise ValueError(_("montant « %(value)s » illisible (ex. 250000 ou 250 000,00)",
                           value=one_line(row.get("montant") or "")[:30])) from None
    if not 0 <= cents <= MAX_CENTS:
        raise ValueError(_("montant hors limites (de 0 à 100 000 000 €)"))
    return int(year_text), scenario, origin, cents


def _rows(text: str) -> list[dict]:
    dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect)
    missing = [name for name in COLUMNS if name not in [(h or "").strip().lower() for h in reader.fieldnames or []]]
    if missing:
        raise ValueError(_("colonnes manquantes : %(names)s", names=", ".join(missing)))
    return [{(k or "").strip().lower(): (v or "") for k, v in row.items() if not isinstance(v, list)}
            for row in reader]


def import_budget(db: Session, cluster: Cluster, text: str, dry_run: bool) -> ImportReport:
    """Check every line; write them all (unless a dry run), or nothing when one is bad."""
    report = ImportReport()
    try:
        rows = _rows(text)
    except (ValueError, csv.Error) as exc:
        report.errors.append((1, str(exc)))
        return report
    if len(rows) > MAX_ROWS:
        report.errors.append((1, _("%(num)d lignes : %(max)d au plus par fichier.", num=len(rows), max=MAX_ROWS)))
        return report
    report.rows = len(rows)
    seen: dict[tuple[int, str, str], int] = {}
    current = _current_lines(db, cluster.id)
    for number, row in enumerate(rows, start=2):
        try:
            year, scenario, origin, cents = _read_line(row)
        except ValueError as exc:
            report.errors.append((number, str(exc)))
            continue
        if (year, scenario, origin) in seen:
            report.errors.append((number, _("même année, scénario et origine qu'à la ligne %(line)d",
                                            line=seen[(year, scenario, origin)])))
            continue
        seen[(year, scenario, origin)] = number
        report.lines.append(ImportedLine(number, year, scenario, origin, cents, current.get((year, scenario, origin))))
    if report.errors or dry_run or not report.lines:
        return report
    for year in sorted({line.year for line in report.lines}):
        set_lines(db, budget_for(db, cluster, year), {(line.scenario, line.origin): line.cents
                                                      for line in report.lines if line.year == year})
    report.written = True
    return report


def _current_lines(db: Session, cluster_id: int) -> dict[tuple[int, str, str], int]:
    budgets = {b.id: b.year for b in db.exec(select(Budget).where(Budget.cluster_id == cluster_id))}
    lines = entered_lines(db, list(budgets))
    return {(budgets[budget_id], scenario, origin): cents for budget_id, by_scenario in lines.items()
            for scenario, amounts in by_scenario.items() for origin, cents in amounts.items()}


def export_budget(db: Session, cluster: Cluster, year: int) -> bytes:
    """The year's lines as entered (the import reads them back), with what the ledger adds beside them."""
    budget = db.exec(select(Budget).where(Budget.cluster_id == cluster.id, Budget.year == year)).first()
    entered = entered_lines(db, [budget.id])[budget.id] if budget else {"forecast": {}, "actual": {}}
    ledger = ledger_year(db, cluster.id, year).by_origin
    rows = [["annee", "scenario", "groupe", "origine", "libelle", "montant", "grand_livre", "total"]]
    for scenario, word in EXPORT_SCENARIOS.items():
        for origin in ORIGINS:
            cents = entered[scenario].get(origin.code, 0)
            booked = ledger.get(origin.code, 0) if scenario == "actual" else 0
            if cents or booked:
                rows.append([year, word, GROUP_WORDS[origin.group], origin.code, origin.words,
                             decimal_comma(cents), decimal_comma(booked), decimal_comma(cents + booked)])
    return spreadsheet_csv(rows)
