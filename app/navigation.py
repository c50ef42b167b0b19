"""The menu: each entry names an endpoint and the permission needed to see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.users.roles import Permission


@dataclass(frozen=True)
class NavEntry:
    label: object  # a lazy French string
    endpoint: str
    permission: Permission | None  # None: every logged-in user


# Only pages that exist are listed; each issue adds its own entries here.
NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_l("Accueil"), "main.home", None),
    NavEntry(_l("Caisse"), "pos.till", Permission.TILL_SELL),
    NavEntry(_l("Stock"), "inventory.products", Permission.STOCK_MANAGE),
    NavEntry(_l("Réceptions"), "inventory.receptions", Permission.STOCK_MANAGE),
    NavEntry(_l("Dates limites"), "inventory.expiry", Permission.STOCK_MANAGE),
    NavEntry(_l("Inventaires"), "inventory.stocktakes", Permission.STOCK_MANAGE),
    NavEntry(_l("Jardin"), "inventory.harvests", Permission.HARVEST_LOG),
    NavEntry(_l("Codes-barres"), "inventory.nomenclature", Permission.STOCK_MANAGE),
    NavEntry(_l("Utilisateurs"), "users.list_users", Permission.USERS_MANAGE),
    NavEntry(_l("Journal d'audit"), "audit.audit_log", Permission.AUDIT_VIEW),
)


def entries_for(user) -> list[NavEntry]:
    if user is None:
        return []
    return [e for e in NAV_ENTRIES if e.permission is None or user.can(e.permission)]
