"""Jinja filters and globals: money and dates in French, the navigation of the current role."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime
from flask_login import current_user
from markupsafe import Markup

from app.headers import IMPORT_MAP
from app.money import format_cents
from app.navigation import current_section, sections_for


def _format_day(value: date | datetime | None) -> str:
    return "" if value is None else format_date(value, "dd/MM/yyyy")


def _format_moment(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "dd/MM/yyyy HH:mm")


def register_template_helpers(flask_app: Flask) -> None:
    flask_app.add_template_filter(format_cents, "money")
    flask_app.add_template_filter(_format_day, "day")
    flask_app.add_template_filter(_format_moment, "moment")

    @flask_app.context_processor
    def navigation():
        from app.extensions import db
        from app.settings.core import SITE_DEMO

        user = current_user if current_user.is_authenticated else None
        sections = sections_for(user)
        from app.sites.views import header_sites

        return {
            **header_sites(),
            "nav_sections": sections,
            "nav_current": current_section(sections, request.endpoint),
            "demo_site": SITE_DEMO.get(db.session),
            "import_map": Markup(IMPORT_MAP),  # noqa: S704 (a constant of ours, hashed in the CSP)
        }
