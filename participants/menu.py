"""The people records' pages in the menu: households and ateliers."""

from flask_babel import lazy_gettext as _l

from app.navigation import NavEntry, declare_menu
from app.users.roles import Permission

declare_menu(
    "households",
    (10, NavEntry(_l("Foyers suivis"), "participants.households", Permission.HOUSEHOLDS_MANAGE)),
    (15, NavEntry(_l("Rendez-vous"), "participants.agenda", Permission.HOUSEHOLDS_MANAGE)),
    (20, NavEntry(_l("Commission"), "participants.committee", Permission.HOUSEHOLDS_COMMITTEE)),
    (30, NavEntry(_l("Archives RGPD"), "participants.archives", Permission.HOUSEHOLDS_COMMITTEE)),
)
declare_menu(
    "ateliers",
    (10, NavEntry(_l("Ateliers"), "participants.ateliers", Permission.ATELIERS_MANAGE)),
    (20, NavEntry(_l("Participant·es"), "participants.participants", Permission.CONTRACTS_MANAGE)),
    (30, NavEntry(_l("Sorties"), "participants.exits", Permission.REPORTS_VIEW)),
)
