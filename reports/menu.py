"""The reports in the menu."""

from flask_babel import lazy_gettext as _l

from app.navigation import NavEntry, declare_menu
from app.users.roles import Permission

declare_menu("reports", (10, NavEntry(_l("Rapports"), "reports.index", Permission.REPORTS_VIEW)))
