"""One place where errors become pages (or fragments, or JSON for the API)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..core.errors import DomainError
from .htmx import render


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _error_response(status: int, title: str, message: str, field: str | None = None):
    if _wants_json():
        body = {"status": status, "message": message}
        if field:
            body["fields"] = {field: message}
        return {"error": body}, status
    return render("errors/page.html", "errors/_message.html", status=status,
                  status_code=status, title=title, message=message)


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
        return _error_response(exc.status, _titles().get(exc.status, _("Erreur")), exc.message, exc.field)

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
            403: _("Vous n'avez pas les droits nécessaires pour cette page."),
            404: _("Cette page n'existe pas ou plus."),
        }
        message = _too_large_message() if status == 413 else messages.get(status, exc.description)
        return _error_response(status, _titles().get(status, exc.name), message)

    @app.errorhandler(500)
    def internal_error(exc):
        return _error_response(500, _titles()[500],
                               _("Une erreur inattendue est survenue ; elle a été enregistrée dans le journal du serveur. Réessayez dans un instant."))
