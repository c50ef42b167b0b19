"""People pages: households and their rights (and, later, atelier participants)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("participants", __name__, template_folder="../templates")

from participants.views import ateliers, committee, households  # noqa: E402,F401  (routes)
