"""Invoice and credit note PDFs (fpdf2), with the mentions French law asks for."""

from __future__ import annotations

import json
from pathlib import Path

from facturx import generate_from_binary
from fpdf import FPDF

from ..core.money import format_eur_fr, format_hundredths
from .facturx_xml import facturx_xml
from .models import Invoice
from .services import vat_breakdown

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PAYMENT_TERMS = ("Facture acquittée le {paid_on} (paiement reçu, référence {reference}). "
                 "Conditions de paiement : à la commande, par virement ou carte bancaire.")
LATE_PAYMENT = ("En cas de retard de paiement : pénalités au taux d'intérêt appliqué par la BCE à son "
                "opération de refinancement la plus récente majoré de 10 points, et indemnité forfaitaire "
                "pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du code de commerce). "
                "Pas d'escompte pour paiement anticipé.")


def percent(bps: int) -> str:
    return f"{format_hundredths(bps)} %"


class PdfDocument(FPDF):
    def __init__(self):
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=18)
        font = next((d for d in FONT_DIRS if (d / "DejaVuSans.ttf").exists()), None)
        if font is not None:
            self.add_font("Body", "", str(font / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(font / "DejaVuSans-Bold.ttf"))
            self.unicode = True
        else:  # core font: latin-1 only
            self.unicode = False

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font("Body" if self.unicode else "Helvetica", "B" if bold else "", size)

    def text_line(self, text: str, size: float = 9, bold: bool = False, height: float = 5) -> None:
        self.font(size, bold)
        self.multi_cell(0, height, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def clean(self, text: str) -> str:
        if self.unicode:
            return text
        return text.replace("€", "EUR").replace("\u202f", " ").replace("\u00a0", " ").replace("−", "-") \
            .encode("latin-1", "replace").decode("latin-1")


def render_invoice(invoice: Invoice, order_number: str) -> bytes:
    """The PDF of a stored invoice; the same invoice always prints the same content."""
    issuer = json.loads(invoice.issuer_json)
    buyer = json.loads(invoice.buyer_json)
    lines = json.loads(invoice.lines_json)
    credit = invoice.kind == "credit_note"
    pdf = PdfDocument()
    pdf.set_title(invoice.number)
    pdf.add_page()
    pdf.text_line(issuer["legal_name"], 13, bold=True, height=7)
    pdf.text_line(f"{issuer['name']} · {issuer['city']} ({issuer['region']})")
    pdf.text_line(f"SIRET {issuer['siret']}" + (f" · TVA intracommunautaire {issuer['vat_number']}"
                                                 if issuer.get("vat_number") else ""))
    if issuer.get("email"):
        pdf.text_line(issuer["email"])
    pdf.ln(4)
    pdf.text_line(("AVOIR" if credit else "FACTURE") + f" N° {invoice.number}", 15, bold=True, height=8)
    pdf.text_line(f"Date d'émission : {invoice.issued_on:%d/%m/%Y} · Commande {order_number}")
    if credit:
        pdf.text_line(f"Avoir sur la facture n° {invoice.payment_reference}")
    pdf.text_line("Encaissement pour le compte de l'émetteur par la fédération des clusters (plateforme).")
    pdf.ln(3)
    pdf.text_line("Client", 10, bold=True)
    buyer_block(pdf, buyer)
    pdf.ln(4)
    lines_and_totals(pdf, lines, invoice.total_excl_cents, invoice.total_vat_cents, invoice.total_incl_cents)
    mentions = sorted({line["vat_exempt_mention"] for line in lines if line.get("vat_exempt_mention")})
    if issuer.get("vat_regime") == "franchise":
        mentions.append("TVA non applicable, art. 293 B du CGI")
    pdf.ln(2)
    for mention in mentions:
        pdf.text_line(mention, 8)
    if not credit:
        pdf.text_line(PAYMENT_TERMS.format(paid_on=f"{invoice.issued_on:%d/%m/%Y}",
                                           reference=invoice.payment_reference), 8)
        pdf.text_line(LATE_PAYMENT, 8)
    return bytes(pdf.output())


def buyer_block(pdf: PdfDocument, buyer: dict) -> None:
    """The buyer's name, address, SIRET and VAT number, as invoices and quotes print them."""
    pdf.text_line(buyer["name"] or "")
    if any(buyer.get(key) for key in ("address", "postal_code", "city")):
        pdf.text_line(f"{buyer['address']}, {buyer['postal_code']} {buyer['city']}")
    identity = [f"SIRET {buyer['siret']}" if buyer.get("siret") else "",
                f"TVA intracommunautaire {buyer['vat_number']}" if buyer.get("vat_number") else ""]
    if any(identity):
        pdf.text_line(" · ".join(filter(None, identity)))


def lines_and_totals(pdf: PdfDocument, lines: list[dict], excl: int, vat: int, incl: int) -> None:
    """The lines, the VAT by rate and the totals excl. VAT, VAT and incl. VAT."""
    lines_table(pdf, lines)
    pdf.ln(3)
    for rate, base, rate_vat in vat_breakdown(lines):
        label = "Exonéré / hors champ" if rate is None else f"TVA {percent(rate)}"
        pdf.text_line(f"{label} : base {format_eur_fr(base)} HT, TVA {format_eur_fr(rate_vat)}")
    pdf.ln(1)
    pdf.text_line(f"Total HT : {format_eur_fr(excl)}", 10, bold=True)
    pdf.text_line(f"Total TVA : {format_eur_fr(vat)}", 10, bold=True)
    pdf.text_line(f"Total TTC : {format_eur_fr(incl)}", 12, bold=True, height=7)


def lines_table(pdf: PdfDocument, lines: list[dict]) -> None:
    widths = (88, 14, 26, 26, 22)
    pdf.font(8, bold=True)
    for width, title in zip(widths, ("Désignation", "Qté", "PU", "Total HT", "TVA"), strict=True):
        pdf.cell(width, 6, title, border="B", align="L" if title == "Désignation" else "R")
    pdf.ln()
    pdf.font(8)
    for line in lines:
        basis = "TTC" if line["prices_include_vat"] else "HT"
        vat = "—" if line["vat_rate_bps"] is None else percent(line["vat_rate_bps"])
        values = (line["description"][:70], str(line["quantity"]), f"{format_eur_fr(line['unit_price_cents'])} {basis}",
                  format_eur_fr(line["excl_cents"]), vat)
        for width, value, align in zip(widths, values, "LRRRR", strict=True):
            pdf.cell(width, 6, pdf.clean(value), align=align)
        pdf.ln()
        if line.get("adjustments"):
            pdf.font(7)
            pdf.cell(widths[0], 4, pdf.clean(line["adjustments"].replace("\n", " · ")[:100]))
            pdf.ln()
            pdf.font(8)


def render_facturx(invoice: Invoice, order_number: str) -> bytes:
    """The invoice PDF with its Factur-X XML embedded (PDF/A-3), checked against the Factur-X schema."""
    return generate_from_binary(render_invoice(invoice, order_number), facturx_xml(invoice), flavor="factur-x",
                                level="minimum", check_xsd=True, lang="fr-FR")
