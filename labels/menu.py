"""The labels' pages in the menu."""

from flask_babel import lazy_gettext as _l

from app.navigation import NavEntry, declare_menu
from app.users.roles import Permission

declare_menu(
    "labels",
    (10, NavEntry(_l("Étiquettes"), "labels.choose", Permission.LABELS_PRINT)),
    (20, NavEntry(_l("À réimprimer"), "labels.reprint", Permission.LABELS_PRINT)),
    (30, NavEntry(_l("Pesée"), "labels.weighed", Permission.LABELS_WEIGHED)),
    (40, NavEntry(_l("Ressourcerie"), "labels.items", Permission.LABELS_PRINT)),
)
