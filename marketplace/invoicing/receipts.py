"""The tax receipt of a gift under patronage (mécénat): the fields of the official form (cerfa n° 11580,
« Reçu au titre des dons à certains organismes d'intérêt général »), for a company donor (article 238 bis
of the French tax code). Whether the receiving cluster may issue it is for its accountant to confirm
(DOMAIN.md, tax notes): the product prints what the form asks."""

from __future__ import annotations

import json

from num2words import num2words

from ..core.money import format_eur_fr
from .models import Invoice
from .pdf import PdfDocument


def amount_in_words(cents: int) -> str:
    """1 500,50 € as « mille cinq cents euros et cinquante centimes »."""
    euros, rest = divmod(cents, 100)
    words = f"{num2words(euros, lang='fr')} euro{'s' if euros > 1 else ''}"
    if rest:
        words += f" et {num2words(rest, lang='fr')} centime{'s' if rest > 1 else ''}"
    return words


def render_tax_receipt(receipt: Invoice, order_number: str) -> bytes:
    issuer = json.loads(receipt.issuer_json)
    donor = json.loads(receipt.buyer_json)
    lines = json.loads(receipt.lines_json)
    pdf = PdfDocument()
    pdf.set_title(receipt.number)
    pdf.add_page()
    pdf.text_line("Reçu au titre des dons à certains organismes d'intérêt général", 14, bold=True, height=8)
    pdf.text_line("Articles 200, 238 bis et 978 du code général des impôts (modèle cerfa n° 11580)", 9)
    pdf.text_line(f"Numéro d'ordre du reçu : {receipt.number}", 10, bold=True)
    pdf.ln(3)
    pdf.text_line("Bénéficiaire des versements", 11, bold=True, height=6)
    pdf.text_line(issuer["legal_name"])
    pdf.text_line(f"{issuer['name']} · {issuer['city']} ({issuer['region']}) · SIRET {issuer['siret']}")
    pdf.text_line("Objet : développement économique et animation des entreprises de sa filière et de son territoire "
                  "(grappe d'entreprises).")
    pdf.ln(3)
    pdf.text_line("Donateur", 11, bold=True, height=6)
    pdf.text_line(donor["name"])
    if donor.get("siret"):
        pdf.text_line(f"SIREN {donor['siret'][:9]} (SIRET {donor['siret']})")
    pdf.text_line(f"{donor['address']}, {donor['postal_code']} {donor['city']}")
    pdf.ln(3)
    pdf.text_line("Le bénéficiaire reconnaît avoir reçu, au titre des dons et versements ouvrant droit à réduction "
                  "d'impôt, la somme de :", 10)
    pdf.text_line(format_eur_fr(receipt.total_incl_cents), 14, bold=True, height=8)
    pdf.text_line(f"Somme en toutes lettres : {amount_in_words(receipt.total_incl_cents)}", 10)
    pdf.text_line(f"Date du versement : {receipt.issued_on:%d/%m/%Y} · Commande {order_number}", 10)
    pdf.text_line("Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la "
                  "réduction d'impôt prévue à l'article 238 bis du code général des impôts.", 9)
    pdf.text_line("Forme du don : don manuel · Nature du don : numéraire · Mode de versement : virement ou carte "
                  "bancaire, encaissé par la fédération des clusters pour le compte du bénéficiaire.", 9)
    pdf.ln(2)
    for line in lines:
        pdf.text_line(f"Objet du don : {line['description']}", 9)
    if receipt.kind == "credit_note":
        pdf.text_line(f"Annulation du reçu n° {receipt.payment_reference} (don remboursé).", 10, bold=True)
    pdf.ln(6)
    pdf.text_line(f"Fait le {receipt.issued_on:%d/%m/%Y}, pour {issuer['legal_name']}.", 10)
    return bytes(pdf.output())
