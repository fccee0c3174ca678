"""Money received: bank transfers (statements, matching), Stripe, refunds; paid.py: a paid order's steps."""
