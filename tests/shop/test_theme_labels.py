"""Usual themes read in English in English mode; a theme staff invented is shown as typed."""

from __future__ import annotations

from tests.shop.test_catalogue import demo, text  # noqa: F401


def test_themes_read_in_the_interface_language(client, demo):  # noqa: F811
    client.get("/lang/en")
    page = text(client.get("/catalogue"))
    assert "digital" in page and "trade show" in page
    client.get("/lang/fr")
    page = text(client.get("/catalogue"))
    assert "numérique" in page and "trade show" not in page
