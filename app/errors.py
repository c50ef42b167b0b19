"""French error pages, and JSON errors ``{code, message}`` for every ``/api/*`` answer."""

from __future__ import annotations

import logging

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_url
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from app.api import error_payload
from app.domain import DomainError
from app.extensions import db, login_manager

logger = logging.getLogger(__name__)


def is_api_request() -> bool:
    """The JSON API never answers with a redirect or an HTML page."""
    return request.path.startswith("/api/")


def _wants_json() -> bool:
    return is_api_request() or request.accept_mimetypes.best == "application/json"


def refusal(status: int, title: str, message: str, code: str | None = None):
    """A French refusal: JSON ``{code, message}`` for the API, the error page otherwise."""
    return _error_response(status, title, message, code)


def _error_response(status: int, title: str, message: str, code: str | None = None):
    if _wants_json():
        return jsonify(error_payload(status, message, code)), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(flask_app: Flask) -> None:
    """French answers for every refusal: HTTP errors, the packages' refusals, the database."""
    _http_handlers(flask_app)
    _refusal_handlers(flask_app)
    _server_handlers(flask_app)


def _http_handlers(flask_app: Flask) -> None:
    @login_manager.unauthorized_handler
    def unauthorized():
        # A till whose session ended (expired, account disabled) keeps its cart: it needs a
        # machine-readable refusal, not the login page.
        if _wants_json():
            return _error_response(
                401,
                _("Session terminée"),
                _(
                    "Votre session est terminée : badgez-vous de nouveau. Le panier et la vente "
                    "en cours sont conservés."
                ),
                "auth_required",
            )
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, request.url))

    @flask_app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _error_response(
            400,
            _("Formulaire expiré"),
            _(
                "Ce formulaire a expiré ou n'a pas été envoyé depuis cette page "
                "(jeton de sécurité absent ou invalide). Rechargez la page et recommencez."
            ),
            "csrf_invalid",
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

    @flask_app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException):
        status = error.code or 500
        if status < 400:  # a redirect raised by a view stays a redirect
            return error
        return _error_response(
            status,
            _("Requête refusée"),
            _("Cette requête ne peut pas être traitée (%(name)s).", name=error.name),
        )


def _refusal_handlers(flask_app: Flask) -> None:
    @flask_app.errorhandler(DomainError)
    def domain_refusal(error: DomainError):
        # Every refusal of every package a view did not turn into a message on its page: a
        # value a parser refused, a rule of the till, a stock that is short… Nothing half
        # written stays; the API answers {code, message, details}, a page the error page.
        db.session.rollback()
        if _wants_json():
            return jsonify(
                error_payload(error.status, error.message, error.code, error.details)
            ), error.status
        return render_template(
            "errors/error.html", status=error.status, title=_("Refusé"), message=error.message
        ), error.status

    @flask_app.errorhandler(OverflowError)
    def number_beyond_the_database(error: OverflowError):
        # SQLite cannot hold an integer beyond 2^63: the last guard behind the parsers.
        db.session.rollback()
        logger.warning("number out of range: %s", error)
        return _error_response(
            422,
            _("Données refusées"),
            _("Un nombre envoyé est trop grand : rien n'a été enregistré."),
            "invalid",
        )

    @flask_app.errorhandler(DataError)
    def value_refused_by_the_database(error: DataError):
        # The last guard: a value the boundary let through but the database refuses (a number
        # out of its range, text it cannot store) is the client's input, never a 500.
        db.session.rollback()
        logger.warning("value refused by the database: %s", error.orig)
        return _error_response(
            422,
            _("Données refusées"),
            _("Une valeur envoyée est hors des limites permises : rien n'a été enregistré."),
            "invalid",
        )


def _server_handlers(flask_app: Flask) -> None:
    @flask_app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        # A lock held too long (SQLite busy), a lost connection, a full disk, a read-only
        # database: nothing was written; say which, and when to try again. Never a 500.
        db.session.rollback()
        logger.warning("database unavailable: %s", error.orig)
        cause = str(error.orig).lower()
        if ("disk" in cause and "full" in cause) or "no space" in cause:
            response = _error_response(
                503,
                _("Disque plein"),
                _(
                    "Disque plein sur le serveur : rien n'a été enregistré. La caisse garde la "
                    "vente ; prévenez un·e encadrant·e pour libérer de la place."
                ),
                "disk_full",
            )
        elif "readonly" in cause or "read-only" in cause or "read only" in cause:
            response = _error_response(
                503,
                _("Base en lecture seule"),
                _(
                    "Base en lecture seule : rien ne peut être enregistré. La caisse garde la "
                    "vente ; prévenez un·e encadrant·e."
                ),
                "database_read_only",
            )
        else:
            response = _error_response(
                503,
                _("Serveur occupé"),
                _(
                    "La base de données est occupée ou injoignable : rien n'a été enregistré. "
                    "Réessayez dans un instant."
                ),
                "database_busy",
            )
        body, status = response
        return body, status, {"Retry-After": "2"}

    @flask_app.errorhandler(413)
    def too_large(error: HTTPException):
        limit = flask_app.config.get("MAX_CONTENT_LENGTH") or 0
        return _error_response(
            413,
            _("Fichier trop gros"),
            _(
                "Envoi trop gros : %(mb)d Mo au plus. Découpez le fichier.",
                mb=max(1, limit // 1_000_000),
            ),
            "too_large",
        )

    @flask_app.errorhandler(500)
    def server_error(error: Exception):
        db.session.rollback()
        logger.exception("unexpected error")
        return _error_response(
            500,
            _("Erreur inattendue"),
            _(
                "Un problème est survenu. Rien n'a été enregistré ; réessayez ou appelez un·e "
                "encadrant·e."
            ),
        )
