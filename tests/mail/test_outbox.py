"""The outbox: written with the change, delivered once, retried on failure, never lost."""

from __future__ import annotations

import smtplib
from email import message_from_bytes

from sqlmodel import select

from marketplace.mail.models import OutboxEmail
from marketplace.mail.services import FileTransport, deliver_pending, queue_email


class FlakyTransport:
    def __init__(self, failures: int):
        self.failures, self.sent = failures, []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise smtplib.SMTPServerDisconnected("connexion perdue")
        self.sent.append(message)


def test_queued_email_is_dropped_when_the_transaction_rolls_back(db):
    queue_email(db, "a@exemple.fr", "Sujet", "Corps")
    db.rollback()
    assert db.exec(select(OutboxEmail)).all() == []


def test_failed_send_is_retried_and_sent_exactly_once(db):
    queue_email(db, "a@exemple.fr", "Sujet", "Corps")
    db.commit()
    transport = FlakyTransport(failures=1)
    assert deliver_pending(db, transport, "from@exemple.fr") == (0, 1)
    email = db.exec(select(OutboxEmail)).one()
    assert email.sent_at is None and email.attempts == 1 and "connexion perdue" in email.last_error
    assert deliver_pending(db, transport, "from@exemple.fr") == (1, 0)
    assert deliver_pending(db, transport, "from@exemple.fr") == (0, 0)
    assert len(transport.sent) == 1
    assert transport.sent[0]["To"] == "a@exemple.fr"


def test_file_transport_writes_eml(db, tmp_path):
    queue_email(db, "a@exemple.fr", "Réinitialisation", "Bonjour é")
    db.commit()
    deliver_pending(db, FileTransport(tmp_path), "Fédération <no-reply@exemple.fr>")
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes())
    assert message["Subject"] == "Réinitialisation" or "R" in message["Subject"]
    assert "Bonjour é" in message.get_payload(decode=True).decode()
