"""The double-entry ledger: append-only idempotent postings, the French chart of accounts, FEC exports."""
