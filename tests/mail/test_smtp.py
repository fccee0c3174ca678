"""The worker sends the outbox to a real SMTP server; when the server is down nothing is lost or sent twice."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import SmtpTransport, deliver_pending, queue_email
from tests.mail.smtp_server import free_port


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield inbox, port, controller


def test_outbox_goes_out_over_smtp_once_and_survives_a_server_outage(db, smtp):
    inbox, port, controller = smtp
    queue_email(db, "acheteur@exemple.fr", "Commande C2026-000001 reçue", "Bonjour,\nMerci pour votre commande.")
    db.commit()
    transport = SmtpTransport("127.0.0.1", port)
    assert deliver_pending(db, transport, "Fédération <no-reply@exemple.fr>") == (0, 1)  # server not started
    db.rollback()
    email = db.exec(select(OutboxEmail)).one()
    assert email.sent_at is None and email.attempts == 1
    controller.start()
    try:
        assert deliver_pending(db, transport, "Fédération <no-reply@exemple.fr>") == (1, 0)
        assert deliver_pending(db, transport, "Fédération <no-reply@exemple.fr>") == (0, 0)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["acheteur@exemple.fr"] and "Merci pour votre commande." in content
