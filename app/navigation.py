"""The menu: sections in the top bar, their pages as tabs; each entry needs a permission."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.users.roles import Permission


@dataclass(frozen=True)
class NavEntry:
    label: object  # a lazy French string
    endpoint: str
    permission: Permission | None  # None: every logged-in user


@dataclass(frozen=True)
class NavSection:
    label: object
    entries: tuple[NavEntry, ...]


# Only pages that exist are listed; each issue adds its own entries here.
NAV_SECTIONS: tuple[NavSection, ...] = (
    NavSection(_l("Accueil"), (NavEntry(_l("Accueil"), "main.home", None),)),
    NavSection(_l("Caisse"), (NavEntry(_l("Caisse"), "pos.till", Permission.TILL_SELL),)),
    NavSection(_l("Stock"), (
        NavEntry(_l("Produits"), "inventory.products", Permission.STOCK_MANAGE),
        NavEntry(_l("Catégories"), "inventory.categories", Permission.STOCK_MANAGE),
        NavEntry(_l("Réceptions"), "inventory.receptions", Permission.STOCK_MANAGE),
        NavEntry(_l("Dates limites"), "inventory.expiry", Permission.STOCK_MANAGE),
        NavEntry(_l("Inventaires"), "inventory.stocktakes", Permission.STOCK_MANAGE),
        NavEntry(_l("Codes-barres"), "inventory.nomenclature", Permission.STOCK_MANAGE),
        NavEntry(_l("Ressourcerie"), "inventory.ressourcerie", Permission.STOCK_MANAGE),
    )),
    NavSection(_l("Étiquettes"), (
        NavEntry(_l("Étiquettes"), "labels.choose", Permission.LABELS_PRINT),
        NavEntry(_l("À réimprimer"), "labels.reprint", Permission.LABELS_PRINT),
        NavEntry(_l("Pesée"), "labels.weighed", Permission.LABELS_WEIGHED),
        NavEntry(_l("Ressourcerie"), "labels.items", Permission.LABELS_PRINT),
    )),
    NavSection(_l("Jardin"), (
        NavEntry(_l("Livraisons du jardin"), "inventory.harvests", Permission.HARVEST_LOG),
        NavEntry(_l("Parcelles"), "inventory.parcels", Permission.STOCK_MANAGE),
    )),
    NavSection(_l("Foyers"), (
        NavEntry(_l("Foyers suivis"), "participants.households", Permission.HOUSEHOLDS_MANAGE),
        NavEntry(_l("Commission"), "participants.committee", Permission.HOUSEHOLDS_COMMITTEE),
        NavEntry(_l("Archives RGPD"), "participants.archives", Permission.HOUSEHOLDS_COMMITTEE),
    )),
    NavSection(_l("Ateliers"), (
        NavEntry(_l("Ateliers"), "participants.ateliers", Permission.ATELIERS_MANAGE),
        NavEntry(_l("Participant·es"), "participants.participants", Permission.CONTRACTS_MANAGE),
        NavEntry(_l("Sorties"), "participants.exits", Permission.REPORTS_VIEW),
    )),
    NavSection(_l("Rapports"), (
        NavEntry(_l("Rapports"), "reports.index", Permission.REPORTS_VIEW),
    )),
    NavSection(_l("Administration"), (
        NavEntry(_l("Utilisateurs"), "users.list_users", Permission.USERS_MANAGE),
        NavEntry(_l("Structure"), "site.identity", Permission.SETTINGS_MANAGE),
        NavEntry(_l("Paramètres"), "site.settings", Permission.SETTINGS_MANAGE),
        NavEntry(_l("Caisses et imprimantes"), "pos.admin_tills",
                 Permission.PRINTERS_CONFIGURE),
        NavEntry(_l("Journal des ventes"), "pos.admin_journal", Permission.AUDIT_VIEW),
        NavEntry(_l("Journal d'audit"), "audit.audit_log", Permission.AUDIT_VIEW),
    )),
)


@dataclass(frozen=True)
class VisibleSection:
    label: object
    endpoint: str  # the first page of the section this user may open
    entries: tuple[NavEntry, ...]

    def contains(self, endpoint: str | None) -> bool:
        prefix = (endpoint or "").split(".")[0]
        return any(e.endpoint == endpoint for e in self.entries) or (
            len(self.entries) > 1 and all(e.endpoint.startswith(prefix + ".")
                                          for e in self.entries))


def _allowed(user, entry: NavEntry) -> bool:
    return entry.permission is None or user.can(entry.permission)


def sections_for(user) -> list[VisibleSection]:
    if user is None:
        return []
    visible = []
    for section in NAV_SECTIONS:
        entries = tuple(e for e in section.entries if _allowed(user, e))
        if entries:
            visible.append(VisibleSection(section.label, entries[0].endpoint, entries))
    return visible


def current_section(sections: list[VisibleSection], endpoint: str | None
                    ) -> VisibleSection | None:
    """The section a page belongs to: the one listing it, else the first one whose pages all
    belong to the page's package (a product's page is in Stock, not in Jardin)."""
    return next((s for s in sections if any(e.endpoint == endpoint for e in s.entries)),
                next((s for s in sections if s.contains(endpoint)), None))


def entries_for(user) -> list[NavEntry]:
    return [entry for section in sections_for(user) for entry in section.entries]
