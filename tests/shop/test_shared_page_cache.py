"""With Redis configured, every worker and node shares the public page cache, and a console write clears it for
all of them at once: no worker serves an old price after the change."""

from __future__ import annotations

import uuid

import pytest
import redis
from sqlmodel import select

from marketplace import create_app
from marketplace.catalogue.models import Offer
from marketplace.web.pagecache import RedisPageCache, invalidate_public_pages
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD
from tests.shop.test_catalogue import titles

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")


@pytest.fixture()
def workers(app, database_url, tmp_path):
    """Two application processes (workers or nodes) over one database and one Redis."""
    namespace = f"test-{uuid.uuid4().hex}"
    settings = {**{key: app.config[key] for key in ("DATABASE_URL", "MAIL_DIR", "SECRET_KEY", "TESTING")},
                "INSTANCE_PATH": str(tmp_path), "PUBLIC_CACHE_SECONDS": 60, "REDIS_URL": REDIS_URL,
                "PAGE_CACHE_NAMESPACE": namespace, "RATE_LIMITS": False}
    yield create_app(settings), create_app(settings)
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)


def _retitle(db, title: str) -> None:
    offer = db.exec(select(Offer).where(Offer.slug == "veille-partagee")).one()
    offer.title_fr = title
    db.add(offer)
    db.commit()


def test_a_page_cached_by_one_worker_is_served_by_the_other_until_a_console_write(workers, db, factories):
    first, second = workers
    cluster = factories.make_cluster(slug="alpha")
    factories.make_offer(cluster, slug="veille-partagee", title_fr="Veille partagée")
    staff = factories.make_staff(cluster, "admin", email="direction@alpha.fr")
    assert "Veille partagée" in titles(first.test_client().get("/catalogue"))
    _retitle(db, "Veille renommée")
    assert "Veille partagée" in titles(second.test_client().get("/catalogue"))  # the shared copy
    console = second.test_client()
    login(console, staff.email, PASSWORD)
    response = console.post(f"/console/clusters/alpha/finances/{2026}/budget",
                            data={"members": "3", "csrf_token": csrf_token(console, "/console/")})
    assert response.status_code == 303  # any successful write in the console
    assert "Veille renommée" in titles(first.test_client().get("/catalogue"))  # the other worker, at once


def test_a_page_rendered_before_a_clear_is_not_kept_under_the_new_generation(workers):
    first, _second = workers
    with first.app_context():
        cache = first.extensions["page_cache"]
        hit, generation = cache.lookup(("/catalogue?", "fr", False))
        assert hit is None
        invalidate_public_pages()  # a console write while the page was being rendered
        cache.put(("/catalogue?", "fr", False), b"old page", {}, ttl=60, generation=generation)
        assert cache.lookup(("/catalogue?", "fr", False))[0] is None
        _hit, now = cache.lookup(("/catalogue?", "fr", False))
        cache.put(("/catalogue?", "fr", False), b"new page", {}, ttl=60, generation=now)
        assert cache.lookup(("/catalogue?", "fr", False))[0] == (b"new page", {})


def test_an_expired_shared_page_is_rendered_again_by_one_request(workers, monkeypatch):
    from marketplace.web import pagecache

    first, _second = workers
    cache = first.extensions["page_cache"]
    clock = [1_000_000.0]
    monkeypatch.setattr(pagecache.time, "time", lambda: clock[0])
    _hit, generation = cache.lookup(("k",))
    cache.put(("k",), b"old", {"Vary": "HX-Request"}, ttl=30, generation=generation)
    clock[0] += 31
    assert cache.lookup(("k",))[0] is None  # the first caller after expiry renders again
    assert cache.lookup(("k",))[0] == (b"old", {"Vary": "HX-Request"})  # the others get the stale copy


def test_pages_are_still_served_when_redis_is_unreachable(app, database_url, tmp_path, factories):
    cluster = factories.make_cluster(slug="alpha")
    factories.make_offer(cluster, slug="veille-partagee", title_fr="Veille partagée")
    broken = create_app({**{key: app.config[key] for key in ("DATABASE_URL", "MAIL_DIR", "SECRET_KEY", "TESTING")},
                         "INSTANCE_PATH": str(tmp_path), "PUBLIC_CACHE_SECONDS": 60, "RATE_LIMITS": False,
                         "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert isinstance(broken.extensions["page_cache"], RedisPageCache)
    for _ in range(2):
        response = broken.test_client().get("/catalogue")
        assert response.status_code == 200 and "Veille partagée" in titles(response)
    with broken.app_context():
        invalidate_public_pages()  # logged, never raised: the write that asked for it stands
