"""Text a database cannot store never reaches it: a request carrying a NUL character (in its
path, query, form or JSON body) is refused at the door, for every page and every API call."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _carries_nul() -> bool:
    if "\x00" in request.path or any(_has_nul(value) for _, values in request.args.lists()
                                      for value in values):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return any(_has_nul(value) for _, values in request.form.lists() for value in values)
    if request.is_json:
        return _has_nul(request.get_json(silent=True, cache=True))
    return False


def register_input_guard(flask_app: Flask) -> None:
    @flask_app.before_request
    def _refuse_nul_characters():
        if _carries_nul():
            from app.errors import refusal

            return refusal(422, _("Requête refusée"), _(
                "Un caractère invisible (caractère nul) a été envoyé : rien n'a été "
                "enregistré. Retapez le texte."), "invalid")
        return None
