"""Every response tells the browser what a page may load and do; personal pages are never kept by a cache."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketplace.config import PROJECT_ROOT
from tests.admin.test_permissions import world  # noqa: F401
from tests.conftest import login
from tests.factories import PASSWORD

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/catalogue", "/login", "/cart", "/does-not-exist", "/api/v1/offers",
                                  "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    csp = _directives(response)
    for directive in ("default-src", "script-src", "style-src", "connect-src", "font-src", "base-uri"):
        assert csp[directive] == "'self'", directive
    assert csp["img-src"] == "'self' data:" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self' https://checkout.stripe.com"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP by default (development)


def test_hsts_only_when_cookies_are_https_only(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_htmx_injects_no_inline_style_and_app_css_has_its_indicator_rules(client):
    html = client.get("/catalogue").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html).group(1)
    assert '"includeIndicatorStyles":false' in config
    css = (PROJECT_ROOT / "static/css/app.css").read_text()
    assert re.search(r"\.htmx-indicator\s*\{[^}]*opacity:\s*0", css)
    assert re.search(r"\.htmx-request\s+\.htmx-indicator,\s*\.htmx-request\.htmx-indicator\s*\{[^}]*opacity:\s*1", css)


# What the policy would block: inline scripts and styles, event handler attributes, script URLs.
BLOCKED = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=|hx-on|javascript:|js:", re.IGNORECASE)


def test_no_template_or_script_relies_on_what_the_policy_blocks():
    files = [*Path(PROJECT_ROOT / "templates").rglob("*.html"), PROJECT_ROOT / "static/js/app.js"]
    offending = [f"{path.relative_to(PROJECT_ROOT)}: {match.group(0)}" for path in files
                 for match in BLOCKED.finditer(path.read_text())]
    assert offending == []


def test_anonymous_catalogue_may_be_cached_a_members_may_not(client, world):  # noqa: F811
    assert "no-store" not in client.get("/catalogue").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, world["users"]["member"].email, PASSWORD)
    assert client.get("/catalogue").headers["Cache-Control"] == "private, no-store"


def test_static_files_keep_their_own_caching(client):
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_order_page_with_its_link_token_is_not_kept(app, world):  # noqa: F811
    order = world["pending"]
    response = app.test_client().get(f"/orders/{order.number}?t={order.access_token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_api_order_is_not_kept(app, world):  # noqa: F811
    order = world["pending"]
    response = app.test_client().get(f"/api/v1/orders/{order.id}?t={order.access_token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/console/settlements/2026-10.csv", "/console/clusters/cluster-a/fec/2026",
                                  "/console/payments", "/console/tokens", "/account"])
def test_console_exports_and_account_pages_are_not_kept(client, world, path):  # noqa: F811
    login(client, world["users"]["platform_admin"].email, PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
