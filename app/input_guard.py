"""Text a database cannot store, or that would show something else than what was typed, never
reaches it: a request carrying a NUL character, another control character (line breaks and tabs
excepted) or a bidirectional override (U+202E turns "fdp.exe" around) — in its path, query,
form or JSON body — is refused at the door, for every page and every API call."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

# GS (U+001D) stays: GS1 barcodes separate their fields with it.
_REFUSED = frozenset(
    [
        *map(chr, range(0, 9)),
        "\x0b",
        "\x0c",
        *map(chr, range(14, 29)),
        "\x1e",
        "\x1f",
        "\x7f",
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
    ]
)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return not _REFUSED.isdisjoint(value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _carries_nul() -> bool:
    if _has_nul(request.path) or any(
        _has_nul(value) for _, values in request.args.lists() for value in values
    ):
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

            return refusal(
                422,
                _("Requête refusée"),
                _(
                    "Un caractère invisible (caractère nul, de contrôle ou d'inversion du sens "
                    "du texte) a été envoyé : rien n'a été enregistré. Retapez le texte."
                ),
                "invalid",
            )
        return None
