"""Factur-X (MINIMUM profile) XML of an invoice, embedded in its PDF for the French e-invoicing reform."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from .models import Invoice

NS = ('xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
      'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
      'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" '
      'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"')


def _amount(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _legal(siret: str | None) -> str:
    if not siret:
        return ""
    return (f"<ram:SpecifiedLegalOrganization><ram:ID schemeID=\"0002\">{escape(siret[:9])}</ram:ID>"
            f"</ram:SpecifiedLegalOrganization>")


def facturx_xml(invoice: Invoice) -> bytes:
    """CII XML for the MINIMUM profile: parties, dates and totals (credit notes: type 381, positive amounts)."""
    issuer = json.loads(invoice.issuer_json)
    buyer = json.loads(invoice.buyer_json)
    vat = ""
    if issuer.get("vat_number"):
        vat = (f"<ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">{escape(issuer['vat_number'])}</ram:ID>"
               f"</ram:SpecifiedTaxRegistration>")
    type_code = "381" if invoice.kind == "credit_note" else "380"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {NS}>
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{escape(invoice.number)}</ram:ID>
    <ram:TypeCode>{type_code}</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">{invoice.issued_on:%Y%m%d}</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>{escape(issuer['legal_name'])}</ram:Name>
        {_legal(issuer.get('siret'))}
        <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        {vat}
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>{escape(buyer['name'])}</ram:Name>
        {_legal(buyer.get('siret'))}
      </ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>{_amount(invoice.total_excl_cents)}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">{_amount(invoice.total_vat_cents)}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{_amount(invoice.total_incl_cents)}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>0.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
""".encode()
