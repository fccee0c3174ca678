"""One place where errors become pages (or fragments, or JSON for the API)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..core.errors import DomainError
from .htmx import render
from .i18n import current_language


def _wants_json() -> bool:
    return request.path.startswith("/api/")


# The stable code of an error the API answers without a more precise one.
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
              500: "internal_error", 502: "bad_gateway", 503: "unavailable"}


def _error_response(status: int, title: str, message: str, field: str | None = None, code: str | None = None,
                    headers: dict | None = None):
    """The API's JSON envelope {"error": {status, message, code, fields}}, or the site's error page."""
    if _wants_json():
        body = {"status": status, "message": message, "code": code or HTTP_CODES.get(status, "error"),
                "fields": {field: message} if field else {}}
        return {"error": body}, status, headers or {}
    response = render("errors/page.html", "errors/_message.html", status=status, status_code=status, title=title,
                      message=message)
    response.headers.update(headers or {})
    return response


def _titles() -> dict[int, str]:
    return {
        400: _("Requête invalide"),
        403: _("Accès refusé"),
        404: _("Page introuvable"),
        405: _("Méthode non autorisée"),
        409: _("Conflit"),
        413: _("Envoi trop volumineux"),
        422: _("Données invalides"),
        429: _("Trop de requêtes"),
        500: _("Erreur interne"),
        503: _("Service indisponible"),
    }


def _too_large_message() -> str:
    limit = request.max_content_length
    if limit and (request.content_length or 0) > limit:
        return _("Les données envoyées dépassent la taille autorisée (%(size)s Mo au plus).",
                 size=format_decimal(round(limit / 1024 / 1024, 1)))
    return _("Les données envoyées dépassent la taille autorisée pour cette page.")


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return _error_response(exc.status, _titles().get(exc.status, _("Erreur")), exc.message_in(current_language()),
                               exc.field, exc.code)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _error_response(
            400, _("Formulaire expiré"),
            _("Le jeton de sécurité du formulaire manque ou a expiré. Rechargez la page et recommencez."),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        messages = {
            400: _("La requête est mal formée."),
            403: _("Vous n'avez pas les droits nécessaires pour cette page."),
            404: _("Cette page n'existe pas ou plus."),
            405: _("Cette méthode n'est pas admise ici."),
            415: _("Type de contenu non pris en charge : envoyez du JSON."),
            429: _("Trop de requêtes : patientez avant de recommencer."),
        }
        if _wants_json():
            messages[404] = _("Introuvable : rien de ce que vous pouvez voir ne porte cette adresse.")
        message = _too_large_message() if status == 413 else messages.get(status, exc.description)
        # What the exception says about itself (Allow on 405, Retry-After on 429) is kept, not its body's type.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return _error_response(status, _titles().get(status, exc.name), message, headers=headers)

    @app.errorhandler(500)
    def internal_error(exc):
        return _error_response(500, _titles()[500],
                               _("Une erreur inattendue est survenue ; elle a été enregistrée dans le journal du serveur. Réessayez dans un instant."))
