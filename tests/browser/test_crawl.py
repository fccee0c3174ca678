"""Every page a visitor, a member, a cluster's staff and a platform admin reach by following links, on a 390 px
phone: none scrolls sideways, and axe-core finds no serious or critical accessibility violation."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import func
from sqlmodel import select

from marketplace.catalogue.models import Offer
from tests.browser.test_live_pages import (  # noqa: F401
    CHROMIUM,
    fill_billing,
    open_first_result,
    playwright_api,
    pytestmark,
    server,
    sign_in,
)

PHONE = {"width": 390, "height": 844}
# (who signs in, where the crawl starts, which paths it follows): staff follow the console only, the public pages
# being the visitor's and the member's.
ROLES = {
    "visitor": (None, ["/", "/catalogue", "/events", "/cart", "/login", "/clusters/soliage/adhesion"], "/"),
    "member": ("contact@usinage-bressan.fr", ["/", "/account/orders", "/account/tickets", "/cart"], "/"),
    "cluster staff": ("lacantine@silicon-sentier.fr", ["/console/", "/console/clusters/silicon-sentier"], "/console/"),
    "platform admin": ("admin@federation-clusters.fr", ["/console/", "/console/settlements", "/console/payments",
                                                        "/console/pools"], "/console/"),
}
SKIPPED = (".pdf", ".csv", ".ics", ".xml", ".txt", "/logout", "/lang/", "/card", "/ical", "/feed", "/fec/")
MAX_PAGES = 60
SERIOUS = ("serious", "critical")
AXE_CORE = Path(__file__).parent / "vendor" / "axe.min.js"  # see vendor/README.md


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parsed = urlparse(url)
        if (f"{parsed.scheme}://{parsed.netloc}" != origin or any(part in parsed.path for part in SKIPPED)
                or "format=" in parsed.query):
            continue
        found.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return found


def _pattern(path: str) -> str:
    """Pages that differ only by an id, a cluster or event slug or a query value look alike: one of each is enough."""
    base, _q, query = path.partition("?")
    parts = base.split("/")
    shape = "/".join("#" if part[:1].isdigit() or (i and parts[i - 1] in ("clusters", "events")) else part
                     for i, part in enumerate(parts))
    return shape + ("?" + "&".join(sorted(p.split("=")[0] for p in query.split("&"))) if query else "")


def _pending_order(page, server: str) -> str:  # noqa: F811
    page.goto(f"{server}/catalogue?kind=service")
    open_first_result(page)
    page.click("#quote .add-to-cart button")
    page.wait_for_url("**/cart")
    page.goto(f"{server}/checkout")
    fill_billing(page, "Usinage Bressan", "contact@usinage-bressan.fr", "12 avenue Alsace-Lorraine", "01000",
                 "Bourg-en-Bresse")
    page.check("#accept_terms")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/orders/C*")
    return urlparse(page.url).path


@pytest.fixture
def phone():
    """A page in a French-speaking Chromium the size of a phone."""
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser.new_context(locale="fr-FR", viewport=PHONE).new_page()
        browser.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_has_no_serious_accessibility_violation(server, db, phone, role):  # noqa: F811
    email, seeds, prefix = ROLES[role]
    if prefix == "/":  # one offer page of each kind (the crawl sees offers as one kind of page)
        seeds = seeds + [f"/offers/{offer_id}" for offer_id in db.exec(
            select(func.min(Offer.id)).where(Offer.is_published, Offer.visibility == "public").group_by(Offer.kind))]
    axe, problems, seen, shapes = Axe.from_file(AXE_CORE), [], set(), set()
    if email:
        sign_in(phone, server, email)
    if role == "member":  # an order waiting for a transfer shows the payment block
        seeds = [*seeds, _pending_order(phone, server)]
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or (_pattern(path) in shapes and path not in seeds):
            continue
        seen.add(path)
        shapes.add(_pattern(path))
        response = phone.goto(server + path)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{path}: {width} px wide")
        for violation in axe.run(phone).response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                problems.append(f"{path}: {violation['id']} ({violation['impact']}) {targets}")
        queue.extend(link for link in _links(phone, server) if link not in seen and link.startswith(prefix))
    assert len(seen) >= len(seeds)
    assert problems == [], "\n".join(problems)


def test_on_a_phone_a_visitor_sees_how_to_sign_in_and_a_room_s_prices_without_scrolling_sideways(server, db, phone):  # noqa: F811
    """Scrolling boxes keep the page itself from scrolling sideways; what a visitor needs first must not hide in one:
    the header's « Se connecter » and language switch, and the price column of a room's rate grid."""
    cantine = db.exec(select(Offer).where(Offer.slug == "la-cantine-salle")).one()
    right_edge = "el => Math.round(el.getBoundingClientRect().right)"
    for path in ("/", "/catalogue", f"/offers/{cantine.id}"):
        phone.goto(server + path)
        for control in (".site-header a[href^='/login']", ".site-header a[href^='/lang/']"):
            assert phone.eval_on_selector(control, right_edge) <= PHONE["width"], (path, control)
    grid = phone.locator(".overflow-auto table").filter(has_text="Prix public HT")
    box = grid.locator("xpath=..")
    assert grid.evaluate(right_edge) <= box.evaluate(right_edge)
