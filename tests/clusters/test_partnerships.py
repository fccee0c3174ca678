"""A partnership between two clusters is stored once, whichever side saves it."""

from __future__ import annotations

import pytest

from marketplace.clusters.services import save_partnership
from marketplace.core.errors import Invalid


@pytest.fixture
def ctx(app, factories):
    with app.test_request_context():
        cluster = factories.make_cluster()
        yield dict(cluster=cluster, factories=factories)


def test_partnership_is_stored_once_whatever_side_saves_it(db, ctx):
    f, a = ctx["factories"], ctx["cluster"]
    b = f.make_cluster()
    first = save_partnership(db, a, b.id, 1500, 6000)
    second = save_partnership(db, b, a.id, 1000, 3000)
    assert first.id == second.id
    own_share_a = second.share_a_bps if second.cluster_a_id == a.id else second.share_b_bps
    assert own_share_a == 7000 and second.reciprocity_discount_bps == 1000
    with pytest.raises(Invalid):
        save_partnership(db, a, a.id, 1000, 5000)
