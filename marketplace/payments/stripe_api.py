"""The Stripe client of the platform account (tests point it at a local server: no network)."""

from __future__ import annotations

import stripe


def stripe_client(config) -> stripe.StripeClient:
    base = {"api": config["STRIPE_API_BASE"]} if config.get("STRIPE_API_BASE") else None
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], base_addresses=base, max_network_retries=2)
