"""An invitation link lives days, a password reset link an hour (each by its own setting)."""

from __future__ import annotations

import pytest

from marketplace.auth.services import make_reset_token, user_from_reset_token
from marketplace.core.errors import Invalid


def test_an_invitation_outlives_a_reset_link(app, db, factories):
    user = factories.make_user("nouvelle@cluster.fr")
    app.config.update(RESET_TOKEN_MAX_AGE=-1, INVITATION_MAX_AGE=604800)  # every reset link is already too old
    with app.test_request_context():
        with pytest.raises(Invalid, match="expiré"):
            user_from_reset_token(db, make_reset_token(user))
        assert user_from_reset_token(db, make_reset_token(user, invitation=True)).id == user.id
        app.config["INVITATION_MAX_AGE"] = -1
        with pytest.raises(Invalid, match="expiré"):
            user_from_reset_token(db, make_reset_token(user, invitation=True))
