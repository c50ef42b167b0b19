"""The menu: sections in the top bar, their pages as tabs; each entry needs a permission and is
declared by the package that owns the page."""

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


# The sections of the top bar, in order. Each package declares its own pages in them (its
# menu.py, imported by create_app); only pages that exist are listed.
SECTIONS: tuple[tuple[str, object], ...] = (
    ("home", _l("Accueil")),
    ("till", _l("Caisse")),
    ("stock", _l("Stock")),
    ("labels", _l("Étiquettes")),
    ("jardin", _l("Jardin")),
    ("households", _l("Foyers")),
    ("ateliers", _l("Ateliers")),
    ("reports", _l("Rapports")),
    ("admin", _l("Administration")),
)
_DECLARED: dict[str, list[tuple[int, NavEntry]]] = {key: [] for key, _label in SECTIONS}


def declare_menu(section: str, *entries: tuple[int, NavEntry]) -> None:
    """A package's pages in a section, each with its place (10, 20…) among the section's."""
    if section not in _DECLARED:
        raise KeyError(f"unknown menu section {section!r}")
    known = {entry.endpoint for _position, entry in _DECLARED[section]}
    _DECLARED[section].extend(item for item in entries if item[1].endpoint not in known)


def nav_sections() -> tuple[NavSection, ...]:
    return tuple(
        NavSection(
            label,
            tuple(entry for _position, entry in sorted(_DECLARED[key], key=lambda item: item[0])),
        )
        for key, label in SECTIONS
        if _DECLARED[key]
    )


declare_menu("home", (10, NavEntry(_l("Accueil"), "main.home", None)))
declare_menu(
    "admin",
    (10, NavEntry(_l("Utilisateurs"), "users.list_users", Permission.USERS_MANAGE)),
    (20, NavEntry(_l("Structure"), "site.identity", Permission.SETTINGS_MANAGE)),
    (25, NavEntry(_l("Sites"), "sites.sites", Permission.SETTINGS_MANAGE)),
    (30, NavEntry(_l("Paramètres"), "site.settings", Permission.SETTINGS_MANAGE)),
    (60, NavEntry(_l("Journal d'audit"), "audit.audit_log", Permission.AUDIT_VIEW)),
)


@dataclass(frozen=True)
class VisibleSection:
    label: object
    endpoint: str  # the first page of the section this user may open
    entries: tuple[NavEntry, ...]

    def contains(self, endpoint: str | None) -> bool:
        prefix = (endpoint or "").split(".")[0]
        return any(e.endpoint == endpoint for e in self.entries) or (
            len(self.entries) > 1 and all(e.endpoint.startswith(prefix + ".") for e in self.entries)
        )


def _allowed(user, entry: NavEntry) -> bool:
    return entry.permission is None or user.can(entry.permission)


def sections_for(user) -> list[VisibleSection]:
    if user is None:
        return []
    visible = []
    for section in nav_sections():
        entries = tuple(e for e in section.entries if _allowed(user, e))
        if entries:
            visible.append(VisibleSection(section.label, entries[0].endpoint, entries))
    return visible


def current_section(sections: list[VisibleSection], endpoint: str | None) -> VisibleSection | None:
    """The section a page belongs to: the one listing it, else the first one whose pages all
    belong to the page's package (a product's page is in Stock, not in Jardin)."""
    return next(
        (s for s in sections if any(e.endpoint == endpoint for e in s.entries)),
        next((s for s in sections if s.contains(endpoint)), None),
    )


def entries_for(user) -> list[NavEntry]:
    return [entry for section in sections_for(user) for entry in section.entries]
