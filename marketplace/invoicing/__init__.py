"""Invoices and credit notes: numbered per issuer without gaps, French mentions, Factur-X PDFs, platform fees."""
