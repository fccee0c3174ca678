"""Stdlib only: money in cents, domain errors, status tables, text hygiene, the registry of offer kinds (kinds.py)."""
