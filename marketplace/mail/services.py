"""Queue emails in the outbox and deliver them (SMTP, or .eml files for the demo)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from sqlmodel import Session, select

from ..core.text import one_line
from ..core.timeutil import utcnow
from .models import OutboxEmail

MAX_ATTEMPTS = 8


def header_value(text: str) -> str:
    """Text fit for an email header: a CR or LF (a cluster name typed with a line break) would make the
    message impossible to build."""
    return one_line(text)


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str  # e.g. application/pdf
    data: bytes


def queue_email(db: Session, to_address: str, subject: str, body_text: str, key: str | None = None,
                attachment: Attachment | None = None) -> OutboxEmail:
    """Write an email to the outbox; it is sent only if the surrounding transaction commits.

    With a `key`, the email is written once: queuing it again (a replayed payment) returns the first one.
    """
    if key is not None:
        existing = db.exec(select(OutboxEmail).where(OutboxEmail.dedupe_key == key)).first()
        if existing is not None:
            return existing
    email = OutboxEmail(to_address=header_value(to_address), subject=header_value(subject), body_text=body_text,
                        dedupe_key=key)
    if attachment is not None:
        email.attachment_name, email.attachment_type = header_value(attachment.name), attachment.content_type
        email.attachment_data = attachment.data
    db.add(email)
    db.flush()
    return email


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, host: str, port: int, user: str = "", password: str = "", starttls: bool = False):
        self.host, self.port, self.user, self.password, self.starttls = host, port, user, password, starttls

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


class FileTransport:
    """Writes each message as an .eml file: the demo's mailbox."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        (self.directory / f"{name}.eml").write_bytes(bytes(message))


def transport_from_config(config) -> Transport:
    if config.get("SMTP_HOST"):
        return SmtpTransport(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_USER"],
                             config["SMTP_PASSWORD"], config["SMTP_STARTTLS"])
    return FileTransport(config["MAIL_DIR"])


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    # A stable Message-ID lets a receiving server drop a duplicate after a crash between send and commit.
    message["Message-ID"] = f"<outbox-{email.id}-{email.created_at:%Y%m%d%H%M%S}@clusters.marketplace>"
    message.set_content(email.body_text)
    if email.attachment_data is not None:
        maintype, _slash, subtype = (email.attachment_type or "application/octet-stream").partition("/")
        message.add_attachment(email.attachment_data, maintype=maintype, subtype=subtype,
                               filename=email.attachment_name or "piece-jointe")
    return message


def is_permanent(exc: Exception) -> bool:
    """Whether sending the message again can never work: it cannot be built, or the server refused it for good."""
    if isinstance(exc, ValueError | TypeError):  # UnicodeError is a ValueError
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # 4xx codes (a full mailbox, greylisting) may pass later; 5xx ones never will.
        return all(code >= 500 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    # Anything else (server down, authentication or sender refused) is the server's or the
    # configuration's, not this message's: every message would fail the same way, so retry.
    return False


def deliver_pending(db: Session, transport: Transport, sender: str, limit: int = 100) -> tuple[int, int]:
    """Send unsent emails one by one, committing each outcome; returns (sent, failed).

    Each email is locked while it is sent (SKIP LOCKED), so two workers never send it twice. A
    temporary failure is retried in a later round, up to MAX_ATTEMPTS; a message refused for good is
    given up at once with its reason in last_error.
    """
    sent = failed = 0
    tried: set[int] = set()
    for _ in range(limit):
        query = (
            select(OutboxEmail)
            .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS)
            .order_by(OutboxEmail.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if tried:
            query = query.where(OutboxEmail.id.not_in(tried))
        email = db.exec(query).first()
        if email is None:
            break
        tried.add(email.id)
        try:
            transport.send(build_message(email, sender))
        except Exception as exc:  # one message that cannot go must not hold back the rest of the outbox
            email.attempts = MAX_ATTEMPTS if is_permanent(exc) else email.attempts + 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:500]
            failed += 1
        else:
            email.attempts += 1
            email.sent_at = utcnow()
            email.last_error = None
            sent += 1
        db.add(email)
        db.commit()
    return sent, failed
