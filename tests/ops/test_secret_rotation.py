"""Rotating MARKETPLACE_SECRET_KEY: with the former key among MARKETPLACE_SECRET_KEY_FALLBACKS, what it signed
(password links, tickets, room calendar feeds, session cookies) is still accepted while the new key signs; once
the former key is dropped, it is not."""

from __future__ import annotations

import pytest

from marketplace.auth.services import make_reset_token, user_from_reset_token
from marketplace.config import load_config
from marketplace.core.errors import Invalid
from marketplace.events.models import Ticket
from marketplace.events.tickets import _signed, ticket_code
from marketplace.rooms.calendar import feed_token, is_feed_token

OLD, NEW = "ancienne-cle-secrete-de-32-octets-au-moins", "nouvelle-cle-secrete-de-32-octets-au-moins"


def test_fallback_keys_are_read_from_the_environment(tmp_path):
    config = load_config({"MARKETPLACE_SECRET_KEY": NEW, "MARKETPLACE_SECRET_KEY_FALLBACKS": f" {OLD} ,, ",
                          "MARKETPLACE_INSTANCE_PATH": str(tmp_path)})
    assert config["SECRET_KEY_FALLBACKS"] == [OLD]


def test_what_the_former_key_signed_is_accepted_while_it_is_a_fallback(app, db, factories):
    user = factories.make_user("tresorier@federation.fr")
    ticket = Ticket(event_id=7, offer_id=1, order_line_id=42, position=3, code="", attendee_name="A")
    with app.test_request_context():
        app.config["SECRET_KEY"] = OLD
        link, feed = make_reset_token(user, invitation=True), feed_token(5)
        ticket.code = ticket_code(7, 42, 3)
        app.config.update(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
        assert user_from_reset_token(db, link).id == user.id
        assert _signed(ticket) and is_feed_token(5, feed)
        assert make_reset_token(user, invitation=True) != link and feed_token(5) != feed  # the new key signs
        app.config["SECRET_KEY_FALLBACKS"] = []
        with pytest.raises(Invalid):
            user_from_reset_token(db, link)
        assert not _signed(ticket) and not is_feed_token(5, feed)


@pytest.mark.parametrize("fallbacks,language", [([OLD], "en"), ([], "fr")])
def test_a_session_cookie_signed_with_the_former_key_works_while_it_is_a_fallback(app, client, fallbacks, language):
    app.config["SECRET_KEY"] = OLD
    client.get("/lang/en")  # the language choice lives in the signed session cookie
    app.config.update(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=fallbacks)
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f'<html lang="{language}"' in page
