"""Catalogue fragments kept per worker under the catalogue's version: never an old price, the same HTML."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import text as text_sql
from sqlalchemy import update
from sqlmodel import select

from marketplace import create_app
from marketplace.auth.models import User
from marketplace.catalogue.freshness import catalogue_version
from marketplace.catalogue.models import Offer, OfferTheme
from marketplace.catalogue.search import Viewer, get_visible_offer, viewer_for
from marketplace.clusters.models import Cluster
from marketplace.core.errors import NotFound
from marketplace.core.timeutil import utcnow
from marketplace.demo import DEMO_PASSWORD
from marketplace.rooms.models import RoomRate
from marketplace.web.fragments import MAX_SECONDS, FragmentCache
from tests.conftest import MONDAY, login
from tests.factories import PASSWORD
from tests.shop.test_catalogue import demo, text  # noqa: F401

MEMBER = "rd@lumiere-loire.fr"  # a Cosmetic Valley member: −40 % on its regulatory monitoring (900 € listed)


def _without_tokens(response) -> str:
    """The page with its per-request CSRF tokens blanked (they are signed with the time)."""
    return re.sub(r'(csrf[-_]token"[^>]*?(?:value|content)=")[^"]+"', r'\1"', response.get_data(as_text=True))


def _second_worker(app):
    """Another worker of the same deployment: same database, its own fragments."""
    return create_app({key: app.config[key] for key in
                       ("DATABASE_URL", "INSTANCE_PATH", "MAIL_DIR", "SECRET_KEY", "PUBLIC_CACHE_SECONDS", "TESTING")})


def _set_member_discount(db, demo, bps):  # noqa: F811
    db.rollback()  # a fresh snapshot: the clients wrote since (their sign-in)
    offer = db.get(Offer, demo["veille-reglementaire"].id)
    offer.member_discount_bps = bps
    db.add(offer)
    db.commit()


def test_a_member_sees_their_new_price_at_once_on_every_worker(app, db, demo):  # noqa: F811
    workers = [app.test_client(), _second_worker(app).test_client()]
    for client in workers:
        login(client, MEMBER, DEMO_PASSWORD)
        assert "540,00 € HT" in text(client.get("/catalogue?q=réglementaire"))
    _set_member_discount(db, demo, 5000)
    for client in workers:
        for path in ("/catalogue?q=réglementaire", "/", "/clusters/cosmetic-valley"):
            page = text(client.get(path))
            assert "450,00 € HT" in page and "540,00" not in page, path
        fragment = client.get("/catalogue?q=réglementaire", headers={"HX-Request": "true"})
        assert "450,00 € HT" in text(fragment) and "<html" not in fragment.get_data(as_text=True)


def test_fragments_give_the_same_html_as_a_fresh_render(app, db, demo):  # noqa: F811
    for email in (None, MEMBER):
        first, other = app.test_client(), _second_worker(app).test_client()
        if email:
            for client in (first, other):
                login(client, email, DEMO_PASSWORD)
                client.get("/account")  # shows the welcome message
        for path in ("/catalogue", "/catalogue?q=veille&sort=price_asc", "/catalogue?price_min=abc", "/"):
            fresh, kept = first.get(path), first.get(path)
            assert fresh.status_code == kept.status_code
            assert _without_tokens(kept) == _without_tokens(fresh) == _without_tokens(other.get(path)), path


def test_a_new_membership_or_tier_shows_its_prices_at_once(client, db, demo, factories):  # noqa: F811
    valley = db.exec(select(Cluster).where(Cluster.slug == "cosmetic-valley")).one()
    classic, premium = factories.make_tier(valley), factories.make_tier(valley, code="premium-veille")
    offer = db.get(Offer, demo["veille-reglementaire"].id)
    offer.included_in_tiers = "premium-veille"
    db.add(offer)
    db.commit()
    organization = factories.make_organization(name="Nouvelle adhérente")
    factories.make_user("nouvelle@exemple.fr", organization_id=organization.id)
    login(client, "nouvelle@exemple.fr", PASSWORD)
    assert "540,00" not in text(client.get("/catalogue?q=réglementaire"))
    membership = factories.make_membership(organization, valley, classic, year=utcnow().year)
    assert "540,00 € HT" in text(client.get("/catalogue?q=réglementaire"))
    membership.tier_id = premium.id  # what it may see is the same; what it pays is not
    db.add(membership)
    db.commit()
    page = text(client.get("/catalogue?q=réglementaire"))
    assert "0,00 € HT" in page and "540,00" not in page


def test_results_are_kept_until_a_sale_or_an_early_bird_price_ends(app, client, db, demo):  # noqa: F811
    offer = db.get(Offer, demo["veille-reglementaire"].id)
    offer.sale_ends_at = utcnow() + timedelta(minutes=8)
    db.add(offer)
    db.commit()
    client.get("/catalogue?page=2")  # the offer ending is on the first page: it still counts
    entries = app.extensions["fragments"]._entries
    left = {key[1][0]: expires - time.monotonic() for key, (expires, _html) in entries.items()}
    assert 470 < left["results"] <= 480 and left["filters"] > MAX_SECONDS - 10
    offer.early_bird_until, offer.early_bird_discount_bps = utcnow() + timedelta(minutes=3), 1000
    db.add(offer)
    db.commit()
    client.get("/catalogue?q=réglementaire")
    left = [expires - time.monotonic() for key, (expires, _html) in entries.items()
            if key[0] == catalogue_version(db) and key[1][0] == "results"]
    assert len(left) == 1 and 170 < left[0] <= 180


def test_every_write_to_the_catalogue_moves_its_version_and_nothing_else_does(db, demo, factories):  # noqa: F811
    def moved(change) -> bool:
        before = catalogue_version(db)
        change()
        db.commit()
        return catalogue_version(db) != before

    offer = db.get(Offer, demo["veille-reglementaire"].id)

    def rename():
        offer.title_fr = "Veille renommée"
        db.add(offer)

    assert moved(rename)
    assert moved(lambda: db.add(OfferTheme(offer_id=offer.id, theme="nouveau")))
    assert moved(lambda: db.exec(update(Offer).where(Offer.id == offer.id).values(list_price_cents=95000)))
    assert moved(lambda: factories.make_offer(db.get(Cluster, offer.cluster_id)))
    assert not moved(lambda: factories.make_organization())
    assert not moved(lambda: db.add(offer))  # nothing changed
    before = catalogue_version(db)
    offer.title_fr = "Jamais enregistré"
    db.add(offer)
    db.flush()
    db.rollback()
    assert catalogue_version(db) == before


def test_a_fragment_is_kept_only_while_it_holds():
    cache, renders = FragmentCache(max_entries=2), []

    def render(valid_until=None):
        renders.append(1)
        return f"<p>{len(renders)}</p>", valid_until

    assert cache.kept("a", render, version=1) == cache.kept("a", render, version=1)
    assert len(renders) == 1
    cache.kept("a", render, version=2)  # a write since: read again
    cache.kept("a", render, version=None)  # no version known: never kept
    cache.kept("a", render, version=None)
    assert len(renders) == 4
    past = lambda: render(utcnow() - timedelta(seconds=1))  # noqa: E731
    cache.kept("b", past, version=1)
    cache.kept("b", past, version=1)
    assert len(renders) == 6
    for key in ("c", "d", "e"):  # the least recently used goes first
        cache.kept(key, render, version=1)
    assert len(cache._entries) == 2


def test_a_new_room_rate_is_quoted_at_once_on_every_worker(app, db, demo):  # noqa: F811
    room = demo["la-cantine-salle"]
    path = f"/offers/{room.id}?date={MONDAY.isoformat()}&slot=half_day&people=30"
    workers = [app.test_client(), _second_worker(app).test_client()]
    for client in workers:
        assert "Total HT 1 000,00 €" in text(client.get(path))
    db.rollback()
    rate = db.exec(select(RoomRate).where(RoomRate.offer_id == room.id, RoomRate.slot == "half_day",
                                          RoomRate.day_type == "weekday", RoomRate.min_people <= 30,
                                          RoomRate.max_people >= 30)).one()
    rate.list_price_cents = 110000
    db.add(rate)
    db.commit()
    for client in workers:
        page = text(client.get(path))
        assert "Total HT 1 100,00 €" in page and "1 000,00" not in page
        assert "Total HT 1 100,00 €" in text(client.get(f"/offers/{room.id}/quote?date={MONDAY.isoformat()}"
                                                        "&slot=half_day&people=30"))


def test_offer_pages_are_the_same_from_kept_parts(app, db, demo):  # noqa: F811
    paths = [f"/offers/{demo[slug].id}" for slug in ("la-cantine-salle", "veille-reglementaire")]
    paths += [f"/offers/{demo['la-cantine-salle'].id}?date={MONDAY.isoformat()}&slot=full_day&people=80",
              f"/offers/{demo['adhesion-' + str(demo['veille-reglementaire'].cluster_id)].id}"]
    for email in (None, MEMBER):
        first, other = app.test_client(), _second_worker(app).test_client()
        if email:
            for client in (first, other):
                login(client, email, DEMO_PASSWORD)
                client.get("/account")
        for path in paths:
            fresh, kept = first.get(path), first.get(path)
            assert fresh.status_code == 200
            assert _without_tokens(kept) == _without_tokens(fresh) == _without_tokens(other.get(path)), path


def test_who_may_see_an_offer_is_the_same_kept_or_read(app, db, demo):  # noqa: F811
    year = utcnow().year
    viewers = [Viewer(), Viewer(sees_everything=True)]
    for email in (MEMBER, "contact@usinage-bressan.fr", "hello@pixel-sentier.fr"):
        user = db.exec(select(User).where(User.email == email)).one()
        viewers.append(viewer_for(db, user.organization_id, year))
    hidden = db.get(Offer, demo["visite-batiment-passif"].id)
    hidden.is_published = False  # an unpublished offer too
    db.add(hidden)
    db.commit()
    seen = 0
    for viewer in viewers:
        for offer in db.exec(select(Offer)).all():
            try:
                get_visible_offer(db, offer.id, viewer)
                visible = True
            except NotFound:
                visible = False
            assert viewer.may_see(offer) == visible, (offer.slug, viewer)
            seen += visible
    assert 0 < seen < len(viewers) * len(db.exec(select(Offer)).all())


def test_a_change_made_by_hand_is_shown_after_clear_cache(app, client, db, demo):  # noqa: F811
    assert "900,00 € HT" in text(client.get("/catalogue?q=réglementaire"))
    db.rollback()
    with db.get_bind().begin() as connection:  # SQL typed by hand: no session saw it
        connection.execute(text_sql("UPDATE offer SET list_price_cents = 95000 WHERE slug = 'veille-reglementaire'"))
    assert "900,00 € HT" in text(client.get("/catalogue?q=réglementaire"))  # kept until told
    result = app.test_cli_runner().invoke(args=["clear-cache"])
    assert result.exit_code == 0, result.output
    assert "950,00 € HT" in text(client.get("/catalogue?q=réglementaire"))


def test_a_kept_quote_box_follows_the_bookings_and_the_visitor(app, db, demo, factories):  # noqa: F811
    """The quote box is kept per what it shows: a slot booked since is refused at once (page and htmx quote),
    and a signed-in member is not shown the visitor's sign-in invitation."""
    from marketplace.checkout.cart import add_to_cart, ensure_cart
    from marketplace.checkout.orders import place_order
    from tests.rooms.test_space import BILLING

    room = demo["la-cantine-salle"]
    query = f"?date={MONDAY.isoformat()}&slot=half_day&people=30"
    visitor = app.test_client()
    for path in (f"/offers/{room.id}{query}", f"/offers/{room.id}/quote{query}"):
        page = text(visitor.get(path))
        assert "Total HT 1 000,00 €" in page and "pour voir votre tarif adhérent" in page
        login_link = re.search(r'href="(/login\?next=[^"]+)"', visitor.get(path).get_data(as_text=True)).group(1)
        assert login_link == f"/login?next=/offers/{room.id}"  # back to the page, not to the bare quote
    db.rollback()
    with app.test_request_context():
        cart = ensure_cart(db, "taken", None)
        add_to_cart(db, cart, room.id, 1, {"date": MONDAY, "slot": "half_day", "people": 30}, Viewer())
        place_order(db, cart, Viewer(), None, BILLING, "taken", 30)
        db.commit()
    for path in (f"/offers/{room.id}{query}", f"/offers/{room.id}/quote{query}"):
        page = text(visitor.get(path))
        assert "déjà réservé" in page and "Total HT" not in page, path
    member = app.test_client()
    login(member, MEMBER, DEMO_PASSWORD)
    page = text(member.get(f"/offers/{room.id}?date={(MONDAY + timedelta(days=7)).isoformat()}"
                           "&slot=half_day&people=30"))
    assert "Total HT" in page and "pour voir votre tarif adhérent" not in page


def test_the_kept_page_chrome_follows_the_language_and_the_visitor(app, db, demo, factories):  # noqa: F811
    """The header and footer parts a worker keeps give, for each language and kind of visitor, what a fresh render
    gives (a worker whose templates reload renders them each time), one after the other on the same worker."""
    from marketplace.demo import ADMIN_EMAIL
    from marketplace.web.fragments import KeepExtension

    fresh_worker = create_app({**{key: app.config[key] for key in ("DATABASE_URL", "INSTANCE_PATH", "MAIL_DIR",
                                                                   "SECRET_KEY", "PUBLIC_CACHE_SECONDS", "TESTING")},
                               "TEMPLATES_AUTO_RELOAD": True})
    lone = factories.make_user("lone@example.fr").email  # signed in, no organisation, not staff
    db.commit()
    seen = {}
    for who, language in ((None, "fr"), (None, "en"), (MEMBER, "fr"), (ADMIN_EMAIL, "fr"), (lone, "fr"),
                          (None, "fr")):
        kept, fresh = app.test_client(), fresh_worker.test_client()
        if who:
            for client in (kept, fresh):
                login(client, who, PASSWORD if who == lone else DEMO_PASSWORD)
        for path in ("/", "/catalogue?q=veille"):
            headers = {"Accept-Language": language}
            page = _without_tokens(kept.get(path, headers=headers))
            assert page == _without_tokens(fresh.get(path, headers=headers)), (who, language, path)
        seen[who, language] = page
    assert "Se connecter" in seen[None, "fr"] and "Console" not in seen[None, "fr"]
    assert "Sign in" in seen[None, "en"] and 'lang="en"' in seen[None, "en"]
    assert "Mon organisation" in seen[MEMBER, "fr"] and "Console" not in seen[MEMBER, "fr"]
    assert "Console" in seen[ADMIN_EMAIL, "fr"] and "Se connecter" not in seen[ADMIN_EMAIL, "fr"]
    assert "Mes commandes" in seen[lone, "fr"] and "Console" not in seen[lone, "fr"]

    def kept_parts(worker):
        return next(ext for ext in worker.jinja_env.extensions.values() if isinstance(ext, KeepExtension))._kept

    assert len(kept_parts(app)) >= 5 and not kept_parts(fresh_worker)


def test_a_room_page_seen_before_reads_its_bookings_with_the_catalogue_version(app, db, demo):  # noqa: F811
    """Once a worker showed a room, its page reads the version and the bookings it shows in one statement; a slot
    booked since is shown taken at once."""
    from marketplace.checkout.cart import add_to_cart, ensure_cart
    from marketplace.checkout.orders import place_order
    from tests.api.test_order_statements import _data, statements
    from tests.rooms.test_space import BILLING

    room = demo["la-cantine-salle"]
    path = f"/offers/{room.id}?date={MONDAY.isoformat()}&slot=half_day&people=30"
    visitor = app.test_client()
    assert "Total HT 1 000,00 €" in text(visitor.get(path))  # the worker learns the offer is a room
    with statements(app) as seen:
        assert "Total HT 1 000,00 €" in text(visitor.get(path))
    reads = _data(seen)
    assert len(reads) == 1 and "catalogueversion" in reads[0] and "roombooking" in reads[0], reads
    db.rollback()
    with app.test_request_context():
        cart = ensure_cart(db, "taken", None)
        add_to_cart(db, cart, room.id, 1, {"date": MONDAY, "slot": "half_day", "people": 30}, Viewer())
        place_order(db, cart, Viewer(), None, BILLING, "taken", 30)
        db.commit()
    assert "déjà réservé" in text(visitor.get(path))
