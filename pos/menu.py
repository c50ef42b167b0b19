"""The till's pages in the menu."""

from flask_babel import lazy_gettext as _l

from app.navigation import NavEntry, declare_menu
from app.users.roles import Permission

declare_menu("till", (10, NavEntry(_l("Caisse"), "pos.till", Permission.TILL_SELL)))
declare_menu(
    "admin",
    (40, NavEntry(_l("Caisses et imprimantes"), "pos.admin_tills", Permission.PRINTERS_CONFIGURE)),
    (50, NavEntry(_l("Journal des ventes"), "pos.admin_journal", Permission.AUDIT_VIEW)),
    (
        55,
        NavEntry(_l("Ventes hors ligne à revoir"), "pos.offline_review", Permission.TILL_SUPERVISE),
    ),
)
