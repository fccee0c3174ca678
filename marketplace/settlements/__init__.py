"""Monthly settlements: closing a month, each cluster's statement, payouts by SEPA file or Stripe."""
