"""The member register as a spreadsheet: import a cluster's members from CSV, export them, and the
membership figures of the console home.

An import is all or nothing: one bad line and nothing is written. An organization already known by its
SIRET is used as it is, never changed from a file (staff of one cluster cannot rewrite another's member).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from ..clusters.models import Cluster, Organization
from ..core.errors import DomainError, Invalid
from ..core.money import decimal_comma
from ..core.spreadsheet import FORMULA_START, spreadsheet_cell
from ..core.text import one_line
from ..core.timeutil import paris_today
from ..web.tables import TableState
from ..web.validators import clean_siret, clean_vat_number
from .models import Membership
from .services import add_membership, effective_status, fee_grid, matching_members, members_of

MAX_ROWS = 5000
COLUMNS = ("nom", "type", "siret", "tva", "effectif", "chiffre_affaires", "email", "adresse", "code_postal",
           "ville", "annee", "formule", "statut")
EXPORT_COLUMNS = (*COLUMNS, "cotisation")
REQUIRED_COLUMNS = ("nom", "annee", "formule")
# What a spreadsheet line may say of an organization's kind: the French word or the code.
KINDS = {"entreprise": "company", "prestataire": "service_provider", "personne": "individual",
         "particulier": "individual", "public": "public_body", "company": "company",
         "service_provider": "service_provider", "individual": "individual", "public_body": "public_body"}
KIND_WORDS = {"company": "entreprise", "service_provider": "prestataire", "individual": "personne",
              "public_body": "public"}
IMPORT_STATUSES = ("pending", "active", "expired")
TEXT_LIMITS = {"nom": 200, "adresse": 300, "ville": 80, "email": 254}


@dataclass(frozen=True)
class RegisterLine:
    """One line of a register file, read and checked: an organization as given and its membership."""

    line: int
    name: str
    kind: str
    siret: str | None
    vat_number: str | None
    headcount: int
    turnover_euros: int | None
    email: str | None
    address: str
    postal_code: str
    city: str
    year: int
    tier_code: str
    status: str


@dataclass(frozen=True)
class ImportedLine:
    """What a line creates (or would create): the membership, for a new or an already known organization."""

    line: int
    name: str
    siret: str | None
    year: int
    tier_code: str
    status: str
    organization_is_new: bool


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created_organizations: int = 0
    existing_organizations: int = 0
    memberships: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    lines: list[ImportedLine] = field(default_factory=list)

    @property
    def written(self) -> bool:
        """True when the file was imported (no error, not a simulation)."""
        return not self.dry_run and not self.errors


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file, which must be UTF-8 (a leading BOM, as Excel writes it, is dropped)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid(_("Le fichier n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis le "
                        "tableur."), field="file") from exc
    return text.removeprefix("\ufeff")


def import_members(db: Session, cluster: Cluster, csv_text: str, dry_run: bool) -> ImportReport:
    """Import a register file into the caller's transaction, or nothing at all when a line is bad or on a dry run.

    Every line is tried inside a savepoint (so the rules of add_membership are checked the same way in a
    simulation); the whole import is rolled back unless it is real and every line passed.
    """
    header, records = _read_csv(csv_text.removeprefix("\ufeff"))
    report = ImportReport(dry_run=dry_run, rows=len(records))
    tiers = {tier.code: tier for tier in fee_grid(db, cluster.id)}
    lines = _check_lines(header, records, tiers, report.errors)
    savepoint = db.begin_nested()
    try:
        _write_lines(db, cluster, tiers, lines, report)
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run or report.errors:
        savepoint.rollback()
    else:
        savepoint.commit()
    report.errors.sort(key=lambda error: error[0])
    return report


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lowercased names) and each non-blank record with the file line it starts on."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        header = [_column_name(name) for name in next(reader, [])]
        previous = reader.line_num
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((line, cells))
            if len(records) > MAX_ROWS:
                raise Invalid(_("Le fichier compte plus de %(n)d lignes : découpez-le en plusieurs fichiers.",
                                n=MAX_ROWS), field="file")
    except csv.Error as exc:
        raise Invalid(_("Fichier CSV illisible (ligne %(line)d).", line=reader.line_num), field="file") from exc
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise Invalid(_("Colonnes manquantes dans l'en-tête : %(columns)s. Colonnes attendues : %(expected)s.",
                        columns=", ".join(missing), expected=" ; ".join(COLUMNS)), field="file")
    if not records:
        raise Invalid(_("Le fichier ne contient aucune ligne d'adhérent."), field="file")
    return header, records


def _column_name(text: str) -> str:
    """"Année", " Code postal" -> "annee", "code_postal": a header as a spreadsheet user may type it."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return plain.strip().lower().replace(" ", "_")


class _BadCell(ValueError):
    """A cell that cannot be read; its message says why, in French."""


def _check_lines(header, records, tiers, errors: list[tuple[int, str]]) -> list[RegisterLine]:
    """Each record read into a RegisterLine; a bad record adds its errors instead, as do repeated lines."""
    lines, seen = [], {}
    for line, cells in records:
        values = {name: _unquote(one_line(cells[i])) if i < len(cells) else "" for i, name in enumerate(header)}
        try:
            checked = _check_line(line, values, tiers)
        except _BadCell as exc:
            errors.append((line, str(exc)))
            continue
        key = (checked.siret or checked.name.casefold(), checked.year)
        if key in seen:
            errors.append((line, _("Ligne en double : la même organisation figure déjà ligne %(line)d pour "
                                   "%(year)d.", line=seen[key], year=checked.year)))
            continue
        seen[key] = line
        lines.append(checked)
    return lines


def _unquote(text: str) -> str:
    """The export's leading quote before a would-be formula is dropped, so an exported file imports as it was."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _check_line(line: int, values: dict[str, str], tiers) -> RegisterLine:
    for name, limit in TEXT_LIMITS.items():
        if len(values.get(name, "")) > limit:
            raise _BadCell(_("« %(column)s » est trop long (%(n)d caractères au plus).", column=name, n=limit))
    name = values.get("nom", "")
    if not name:
        raise _BadCell(_("Le nom de l'organisation est obligatoire."))
    kind = KINDS.get((values.get("type") or "entreprise").lower())
    if kind is None:
        raise _BadCell(_("Type inconnu « %(value)s » : entreprise, prestataire, personne ou public.",
                         value=values["type"]))
    tier_code = values.get("formule", "").lower()
    if tier_code not in tiers:
        raise _BadCell(_("Formule inconnue « %(code)s » : les codes de la grille sont %(codes)s.",
                         code=tier_code, codes=", ".join(tiers) or "—"))
    status = (values.get("statut") or "active").lower()
    if status not in IMPORT_STATUSES:
        raise _BadCell(_("Statut « %(value)s » refusé : pending, active ou expired.", value=status))
    postal_code = values.get("code_postal", "")
    if postal_code and not (len(postal_code) == 5 and postal_code.isascii() and postal_code.isdigit()):
        raise _BadCell(_("Code postal à 5 chiffres."))
    return RegisterLine(
        line=line, name=name, kind=kind, siret=_siret(values.get("siret", ""), kind),
        vat_number=_vat_number(values.get("tva", "")), headcount=_count(values, "effectif", 1_000_000) or 0,
        turnover_euros=_count(values, "chiffre_affaires", 10**12), email=_email(values.get("email", "")),
        address=values.get("adresse", ""), postal_code=postal_code, city=values.get("ville", ""),
        year=_year(values.get("annee", "")), tier_code=tier_code, status=status)


def _siret(text: str, kind: str) -> str | None:
    if not text:
        if kind == "individual":
            return None
        raise _BadCell(_("Le SIRET est obligatoire (sauf pour une personne)."))
    try:
        return clean_siret(text)
    except ValueError as exc:
        raise _BadCell(_("SIRET invalide : 14 chiffres dont la clé de contrôle doit être juste.")) from exc


def _vat_number(text: str) -> str | None:
    if not text:
        return None
    try:
        return clean_vat_number(text)
    except ValueError as exc:
        raise _BadCell(_("Numéro de TVA intracommunautaire invalide (ex. FR40303265045).")) from exc


def _count(values: dict[str, str], column: str, maximum: int) -> int | None:
    """A whole number from 0 to `maximum` (spaces as thousands separators allowed), None when the cell is empty."""
    text = values.get(column, "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 13 and int(text) <= maximum):
        raise _BadCell(_("« %(column)s » doit être un nombre entier positif ou nul (lu : « %(value)s »).",
                         column=column, value=values[column]))
    return int(text)


def _email(text: str) -> str | None:
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise _BadCell(_("Email invalide : « %(value)s ».", value=text)) from exc


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise _BadCell(_("Année invalide « %(value)s » : un nombre entre 2000 et 2100.", value=text))
    return int(text)


def _write_lines(db: Session, cluster: Cluster, tiers, lines: list[RegisterLine], report: ImportReport) -> None:
    """Each line's organization (found by SIRET, else created) and membership, one savepoint per line."""
    sirets = {line.siret for line in lines if line.siret}
    known: dict[str, Organization] = {}
    if sirets:
        for organization in db.exec(select(Organization).where(col(Organization.siret).in_(sirets))
                                    .order_by(Organization.id)).all():
            known.setdefault(organization.siret, organization)
    created: set[int] = set()
    existing: set[int] = set()
    for line in lines:
        organization = known.get(line.siret) if line.siret else None
        is_new = organization is None
        try:  # a refused line may leave its new organization behind: the whole import is then rolled back
            if is_new:
                organization = _new_organization(db, line)
            add_membership(db, cluster, organization, tiers[line.tier_code], line.year, line.status)
        except DomainError as exc:
            report.errors.append((line.line, exc.message))
            continue
        if is_new:
            created.add(organization.id)
            if line.siret:
                known[line.siret] = organization  # a later line (another year) uses it
        elif organization.id not in created:
            existing.add(organization.id)
        report.lines.append(ImportedLine(line.line, organization.name, line.siret, line.year, line.tier_code,
                                         line.status, organization.id in created))
    report.created_organizations, report.existing_organizations = len(created), len(existing)
    report.memberships = len(report.lines)


def _new_organization(db: Session, line: RegisterLine) -> Organization:
    organization = Organization(name=line.name, kind=line.kind, siret=line.siret, vat_number=line.vat_number,
                                headcount=line.headcount, turnover_euros=line.turnover_euros, email=line.email,
                                address=line.address, postal_code=line.postal_code, city=line.city)
    db.add(organization)
    db.flush()
    return organization


def export_members(db: Session, cluster: Cluster, year: int | None, table: TableState | None = None) -> str:
    """The cluster's members (of `year`, or all; those the console table shows when `table` is given) as CSV with
    the import's columns plus the fee in euros.

    Semicolons and decimal commas, as French spreadsheets read them; a cell a spreadsheet would run as a
    formula gets a leading quote (which the import drops again).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    rows = members_of(db, cluster.id, year)
    for membership, organization, tier in (matching_members(rows, table) if table else rows):
        writer.writerow(spreadsheet_cell(value) for value in (
            organization.name, KIND_WORDS.get(organization.kind, organization.kind), organization.siret,
            organization.vat_number, organization.headcount, organization.turnover_euros, organization.email,
            organization.address, organization.postal_code, organization.city, membership.year, tier.code,
            membership.status, decimal_comma(membership.fee_cents)))
    return out.getvalue()


@dataclass(frozen=True)
class Figures:
    """A cluster's membership figures for a year, and how many of last year's members renewed."""

    year: int
    members: int  # effectively active this year (a renewal in its grace period counts)
    pending: int
    lapsed: int
    fees_cents: int  # the fees of this year's members
    last_year_members: int  # active or expired in year - 1
    renewed: int  # of last year's members, those that are members this year

    @property
    def retention(self) -> float | None:
        """Renewed / last year's members; None when there was no member last year."""
        return self.renewed / self.last_year_members if self.last_year_members else None

    @property
    def retention_bps(self) -> int | None:
        """The retention in basis points, rounded half up (for the `bps` filter)."""
        if not self.last_year_members:
            return None
        return (self.renewed * 20000 + self.last_year_members) // (2 * self.last_year_members)


def membership_figures(db: Session, cluster_id: int, year: int, today: date | None = None) -> Figures:
    """Members, pending and lapsed memberships, fees and retention of `year`, from one query."""
    today = today or paris_today()
    rows = db.exec(select(Membership).where(Membership.cluster_id == cluster_id,
                                            col(Membership.year).in_((year, year - 1)))).all()
    current = [m for m in rows if m.year == year]
    members = [m for m in current if effective_status(m, today) == "active"]
    last_year = {m.organization_id for m in rows if m.year == year - 1 and m.status in ("active", "expired")}
    return Figures(
        year=year, members=len(members), pending=sum(1 for m in current if m.status == "pending"),
        lapsed=sum(1 for m in current if m.status == "lapsed"), fees_cents=sum(m.fee_cents for m in members),
        last_year_members=len(last_year),
        renewed=len(last_year & {m.organization_id for m in members}))
