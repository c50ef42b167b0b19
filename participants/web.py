"""The people pages (households, ateliers) under one blueprint: their endpoints stay
``participants.*`` and their templates in participants/templates/."""

from __future__ import annotations

from flask import Blueprint

from participants.ateliers.common import format_clock, format_minutes

blueprint = Blueprint("participants", __name__, template_folder="templates")
# In the pages: {{ minutes|minutes }} → "9 h 30", {{ start|clock }} → "9:30".
blueprint.add_app_template_filter(format_minutes, "minutes")
blueprint.add_app_template_filter(format_clock, "clock")

from participants.ateliers import people_views  # noqa: E402,F401  (routes)
from participants.ateliers import views as atelier_views  # noqa: E402,F401  (routes)
from participants.households import (  # noqa: E402,F401  (routes)
    appointment_views,
    card_views,
    committee,
)
from participants.households import views as household_views  # noqa: E402,F401  (routes)
