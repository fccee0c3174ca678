"""The pricing engine (pure): an offer's terms, the buyer, options and a moment give a quote with its reasons."""
