"""The PDF of an order's tickets: one page per ticket, with the event, the attendee and the QR code of its
signed code (segno), readable by any phone camera or scanner at the entrance."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import segno

from ..invoicing.pdf import PdfDocument
from .models import Event, Ticket

PARIS = ZoneInfo("Europe/Paris")
QR_SIZE_MM = 60


def qr_png(code: str) -> bytes:
    """The QR code of a ticket code, as a PNG (error correction M: survives a crease or a cracked screen)."""
    out = io.BytesIO()
    segno.make(code, error="m", micro=False).save(out, kind="png", scale=12, border=4)
    return out.getvalue()


def tickets_pdf(event: Event, tickets: list[tuple[Ticket, str]]) -> bytes:
    """One A4 page per (ticket, ticket type title)."""
    pdf = PdfDocument()
    pdf.set_title(f"Billets {event.title_fr}")
    starts = event.starts_at.astimezone(PARIS)
    for ticket, title in tickets:
        pdf.add_page()
        pdf.text_line(event.title_fr, 18, bold=True, height=9)
        pdf.text_line(f"{starts:%d/%m/%Y %H:%M} · {', '.join(filter(None, (event.venue, event.city)))}", 11)
        pdf.ln(4)
        pdf.text_line(title, 13, bold=True, height=7)
        pdf.text_line(ticket.attendee_name, 13, height=7)
        pdf.ln(4)
        pdf.image(io.BytesIO(qr_png(ticket.code)), x=(pdf.w - QR_SIZE_MM) / 2, w=QR_SIZE_MM, h=QR_SIZE_MM)
        pdf.ln(2)
        pdf.font(10)
        pdf.cell(0, 6, ticket.code, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.text_line("Billet nominatif, valable une fois : présentez ce code à l'entrée (imprimé ou sur téléphone). "
                      "Un billet annulé ou remboursé n'est plus valable.", 9)
    return bytes(pdf.output())
