"""A cluster's monthly statement as a PDF and as a CSV."""

from __future__ import annotations

from ..clusters.models import Cluster
from ..core.money import decimal_comma, format_eur_fr
from ..invoicing.pdf import PdfDocument
from ..ledger.queries import spreadsheet_csv
from .services import Statement


def statement_csv(cluster: Cluster, statement: Statement) -> bytes:
    rows = [("Solde d'ouverture", "", "467", statement.opening_cents),
            *((row["label"], row["kind"], row["code"], row["cents"]) for row in statement.rows),
            ("Solde de clôture", "", "467", statement.closing_cents)]
    return spreadsheet_csv([["Cluster", "Mois", "Poste", "Nature", "Compte", "Montant"],
                            *([cluster.name, statement.period, label, kind, code, decimal_comma(cents)]
                              for label, kind, code, cents in rows)])


def statement_pdf(cluster: Cluster, statement: Statement, federation_name: str, closed: bool) -> bytes:
    pdf = PdfDocument()
    pdf.add_page()
    pdf.text_line(federation_name, 9)
    pdf.text_line(f"Relevé de règlement — {cluster.name}", 15, bold=True, height=8)
    pdf.text_line(f"{cluster.legal_name} · SIRET {cluster.siret}", 9)
    pdf.text_line(f"Mois : {statement.period}" + ("" if closed else " (provisoire : mois non clôturé)"), 10)
    pdf.ln(4)
    rows = [("Solde d'ouverture (dû par la fédération si positif)", statement.opening_cents, True),
            *((row["label"], row["cents"], False) for row in statement.rows),
            ("Solde de clôture", statement.closing_cents, True)]
    for label, cents, bold in rows:
        pdf.font(9, bold)
        pdf.cell(140, 7, pdf.clean(label), border="B")
        pdf.cell(0, 7, pdf.clean(format_eur_fr(cents)), border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    due = statement.closing_cents
    if due > 0:
        verdict = f"La fédération doit {format_eur_fr(due)} au cluster."
    elif due < 0:
        verdict = f"Le cluster doit {format_eur_fr(-due)} à la fédération ; le montant est déduit du prochain règlement."
    else:
        verdict = "Rien n'est dû."
    pdf.text_line(verdict, 10, bold=True)
    pdf.text_line("Chaque montant est la somme des écritures du grand livre de ce mois pour cette nature et ce compte ; "
                  "le détail est dans la console et dans l'export CSV des écritures.", 8)
    return bytes(pdf.output())
