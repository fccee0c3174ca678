"""The public shop window: home, catalogue with live search, offer pages with a live quote, agenda."""
