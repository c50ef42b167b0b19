"""French error pages (and JSON errors for the API), never a bare stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db

logger = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _error_response(status: int, title: str, message: str):
    if _wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(flask_app: Flask) -> None:
    @flask_app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _error_response(
            400,
            _("Formulaire expiré"),
            _(
                "Ce formulaire a expiré ou n'a pas été envoyé depuis cette page "
                "(jeton de sécurité absent ou invalide). Rechargez la page et recommencez."
            ),
        )

    @flask_app.errorhandler(403)
    def forbidden(error: HTTPException):
        return _error_response(
            403,
            _("Accès refusé"),
            _("Votre rôle ne permet pas d'ouvrir cette page. Revenez à l'accueil."),
        )

    @flask_app.errorhandler(404)
    def not_found(error: HTTPException):
        return _error_response(404, _("Page introuvable"), _("Cette page n'existe pas."))

    @flask_app.errorhandler(405)
    def method_not_allowed(error: HTTPException):
        return _error_response(
            405, _("Action impossible"), _("Cette action n'est pas permise ici.")
        )

    @flask_app.errorhandler(500)
    def server_error(error: Exception):
        db.session.rollback()
        logger.exception("unexpected error")
        return _error_response(
            500,
            _("Erreur inattendue"),
            _("Un problème est survenu. Rien n'a été enregistré ; réessayez ou appelez un·e "
              "encadrant·e."),
        )
