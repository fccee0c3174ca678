"""One email that cannot go never holds back the others: header values are cleaned when queued, a
message refused for good is given up with its reason, a temporary refusal is retried."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import (
    MAX_ATTEMPTS,
    SmtpTransport,
    deliver_pending,
    header_value,
    queue_email,
)
from tests.mail.smtp_server import free_port

SENDER = "Fédération <no-reply@exemple.fr>"
RESET = "Réinitialisation de votre mot de passe"


class Inbox:
    """An SMTP server that refuses some recipients (550 for good, 450 for now) and some contents (554)."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("inconnu@"):
            return "550 5.1.1 no such user"
        if address.startswith("plein@"):
            return "450 4.2.2 mailbox full, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        content = envelope.content.decode("utf-8", "replace")
        if "Subject: Refus" in content:
            return "554 5.7.1 message rejected"
        self.messages.append((envelope.rcpt_tos, content))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SmtpTransport("127.0.0.1", port)
    controller.stop()


def _raw(db, to_address: str, subject: str) -> OutboxEmail:
    """A row written straight into the outbox, as queue_email would not write it."""
    email = OutboxEmail(to_address=to_address, subject=subject, body_text="Bonjour")
    db.add(email)
    db.commit()
    return email


def test_header_values_are_one_clean_line():
    assert header_value("Relevé 2026-10 de Evil\r\nBcc: x@evil.example") == "Relevé 2026-10 de Evil Bcc: x@evil.example"
    assert header_value("  a\x00b\tc\x7f\x85d\u2028e  ") == "a b c d e"
    assert header_value(" direction@alpha.fr\r\n") == "direction@alpha.fr"


def test_a_message_that_cannot_be_built_is_given_up_and_the_next_one_is_sent(db, smtp):
    inbox, transport = smtp
    bad = _raw(db, "direction@alpha.fr", "Relevé 2026-10 de Evil\r\nBcc: x@evil.example")
    queue_email(db, "membre@exemple.fr", RESET, "Votre lien de réinitialisation.")
    db.commit()
    assert deliver_pending(db, transport, SENDER) == (1, 1)
    db.rollback()
    db.expire_all()
    bad = db.get(OutboxEmail, bad.id)
    assert bad.sent_at is None and bad.attempts == MAX_ATTEMPTS
    assert bad.last_error.startswith("ValueError") and "linefeed" in bad.last_error
    [(recipients, content)] = inbox.messages
    assert recipients == ["membre@exemple.fr"] and "Votre lien de réinitialisation." in content
    assert deliver_pending(db, transport, SENDER) == (0, 0)  # given up, not retried


def test_a_subject_with_a_line_break_is_queued_on_one_line_and_sent(db, smtp):
    inbox, transport = smtp
    email = queue_email(db, " direction@alpha.fr\r\n", "Relevé 2026-10 de Evil\r\nBcc: x@evil.example", "Bonjour")
    db.commit()
    assert (email.to_address, email.subject) == ("direction@alpha.fr", "Relevé 2026-10 de Evil Bcc: x@evil.example")
    assert deliver_pending(db, transport, SENDER) == (1, 0)
    [(recipients, content)] = inbox.messages
    assert recipients == ["direction@alpha.fr"]
    headers = content.split("\r\n\r\n")[0].replace("\r\n ", " ").split("\r\n")
    assert not any(line.lower().startswith("bcc:") for line in headers)


def test_refused_for_good_is_given_up_refused_for_now_is_retried(db, smtp):
    inbox, transport = smtp
    unknown = queue_email(db, "inconnu@exemple.fr", "Commande reçue", "Bonjour")
    full = queue_email(db, "plein@exemple.fr", "Commande reçue", "Bonjour")
    rejected = queue_email(db, "acheteur@exemple.fr", "Refus", "Bonjour")
    queue_email(db, "membre@exemple.fr", RESET, "Votre lien de réinitialisation.")
    db.commit()
    assert deliver_pending(db, transport, SENDER) == (1, 3)
    db.rollback()
    db.expire_all()
    outcome = {e.id: (e.attempts, e.last_error.split(":")[0]) for e in db.exec(select(OutboxEmail))
               if e.sent_at is None}
    assert outcome == {unknown.id: (MAX_ATTEMPTS, "SMTPRecipientsRefused"), full.id: (1, "SMTPRecipientsRefused"),
                       rejected.id: (MAX_ATTEMPTS, "SMTPDataError")}
    assert [recipients for recipients, _ in inbox.messages] == [["membre@exemple.fr"]]
    assert deliver_pending(db, transport, SENDER) == (0, 1)  # only the full mailbox is tried again


def test_the_worker_goes_on_after_a_message_it_cannot_build(app, db, tmp_path):
    bad = _raw(db, "direction@alpha.fr", "Relevé 2026-10 de Evil\nBcc: x@evil.example")
    queue_email(db, "membre@exemple.fr", RESET, "Votre lien de réinitialisation.")
    db.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 envoyés, 1 en échec" in result.output
    db.rollback()
    db.expire_all()
    assert db.get(OutboxEmail, bad.id).attempts == MAX_ATTEMPTS
    [sent] = (tmp_path / "mail").glob("*.eml")  # the app's mailbox (FileTransport, no SMTP server set)
    assert message_from_bytes(sent.read_bytes())["To"] == "membre@exemple.fr"
