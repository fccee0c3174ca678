"""The treasury in the console: a statement imported, the buyer gets invoices and emails; refusals explained."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlmodel import select

from marketplace.checkout.models import Order
from marketplace.invoicing.models import Invoice
from marketplace.mail.models import OutboxEmail
from tests.admin.test_permissions import snapshot, world  # noqa: F401
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.payments.camt_sample import entry, statement


def test_statement_upload_settles_the_order_and_sends_invoice_links(client, app, db, world):  # noqa: F811
    pending = world["pending"]
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    data = statement(entry("BANK-1", pending.total_incl_cents, pending.payment_reference))
    response = client.post("/console/payments/statements", data={
        "csrf_token": csrf_token(client, "/account"),
        "statement": (io.BytesIO(data), "releve.xml")}, content_type="multipart/form-data")
    assert response.status_code == 303
    db.rollback()
    db.expire_all()
    assert db.get(Order, pending.id).status == "paid"
    invoice = db.exec(select(Invoice)).one()
    email = db.exec(select(OutboxEmail).where(OutboxEmail.to_address == pending.billing_email)).one()
    assert invoice.number in email.body_text
    link = email.body_text.split("http://127.0.0.1:5000")[1].split()[0]
    buyer = app.test_client()
    pdf = buyer.get(link)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert invoice.number in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    from facturx import get_facturx_xml_from_pdf

    name, xml = get_facturx_xml_from_pdf(io.BytesIO(pdf.data), check_xsd=True)
    assert name == "factur-x.xml" and invoice.number.encode() in xml
    assert f"<ram:GrandTotalAmount>{invoice.total_incl_cents // 100}.{invoice.total_incl_cents % 100:02d}".encode() in xml
    assert app.test_client().get(f"/invoices/{invoice.id}.pdf").status_code == 404  # no token, no account
    login(buyer, world["users"]["staff_b"].email, PASSWORD)
    assert buyer.get(f"/invoices/{invoice.id}.pdf").status_code == 404  # staff of another cluster


def test_bad_statement_upload_is_explained_and_changes_nothing(client, db, world):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    before = snapshot(db)
    response = client.post("/console/payments/statements", data={
        "csrf_token": csrf_token(client, "/account"),
        "statement": (io.BytesIO(b"<html>pas un releve</html>"), "releve.xml")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Relevé illisible" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_manual_payment_for_an_unknown_order_is_refused(client, db, world):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    before = snapshot(db)
    response = client.post("/console/payments/manual", data={
        "order_number": "C2026-999999", "amount": "10", "booked_on": "2026-11-30",
        "csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 422
    assert "Aucune commande" in response.get_data(as_text=True)
    assert snapshot(db) == before
