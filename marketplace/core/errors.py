"""Domain errors raised by services; one handler turns them into HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a message for the user and the HTTP status that fits it."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, sold out, wrong status)."""

    status = 409


class Invalid(DomainError):
    """The input breaks a rule of the domain."""

    status = 422
