"""A cluster's website is an http(s) address: a script or data address is refused with a clear message."""

from __future__ import annotations

import pytest

from marketplace.clusters.models import Cluster
from tests.admin.test_permissions import snapshot
from tests.clusters.test_forms import VALID_CLUSTER, field_error, setup  # noqa: F401
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD

EDIT = "/console/clusters/cluster-a/edit"


@pytest.mark.parametrize("website", [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)//https://exemple.fr",
    "data:text/html,<script>alert(1)</script>",
    "java\tscript:alert(1)",
    "ftp://exemple.fr",
    "http:exemple.fr",
    "https://",
])
def test_a_website_that_is_not_http_is_refused(client, db, setup, website):  # noqa: F811
    login(client, setup["admin"].email, PASSWORD)
    before = snapshot(db)
    response = client.post(EDIT, data={**VALID_CLUSTER, "website": website, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 422
    assert "http:// ou https://" in field_error(response.get_data(as_text=True), "website")
    assert snapshot(db) == before


@pytest.mark.parametrize("website", ["https://www.cluster-a.fr/adherer", "HTTP://cluster-a.fr"])
def test_an_http_website_is_saved(client, db, setup, website):  # noqa: F811
    login(client, setup["admin"].email, PASSWORD)
    response = client.post(EDIT, data={**VALID_CLUSTER, "website": website, "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    db.rollback()
    db.expire_all()
    assert db.get(Cluster, setup["cluster"].id).website == website
