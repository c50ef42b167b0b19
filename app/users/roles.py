"""Roles and the permissions each one grants: the single source of who may do what."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    ADMIN = "admin"
    ENCADRANT = "encadrant"
    CAISSIER = "caissier"
    REFERENT = "referent"
    JARDIN = "jardin"


class Permission(enum.StrEnum):
    TILL_SELL = "till.sell"
    TILL_SUPERVISE = "till.supervise"  # overrides, refunds, closing with a difference
    STOCK_MANAGE = "stock.manage"
    LABELS_PRINT = "labels.print"  # shelf labels, stickers, ressourcerie tags
    LABELS_WEIGHED = "labels.weighed"  # pesée labels (the jardin's only labels)
    PRINTERS_CONFIGURE = "printers.configure"  # where tills and label printers print
    HARVEST_LOG = "harvest.log"
    ATELIERS_MANAGE = "ateliers.manage"
    HOUSEHOLDS_MANAGE = "households.manage"  # read and edit the files one follows
    HOUSEHOLDS_COMMITTEE = "households.committee"  # anonymous committee decisions, archiving
    CONTRACTS_MANAGE = "contracts.manage"
    REPORTS_VIEW = "reports.view"
    USERS_MANAGE = "users.manage"
    SETTINGS_MANAGE = "settings.manage"  # the site's identity and every package's settings
    AUDIT_VIEW = "audit.view"


ROLE_LABELS = {
    Role.ADMIN: _l("Direction du CCAS"),
    Role.ENCADRANT: _l("Encadrant·e"),
    Role.CAISSIER: _l("Caissier·ère (atelier)"),
    Role.REFERENT: _l("Référent·e social·e"),
    Role.JARDIN: _l("Atelier jardin"),
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Management sees aggregates and manages users; it does not sell nor read social files
    # beyond what managing access rights requires (the households issue refines this).
    Role.ADMIN: frozenset(
        {
            Permission.STOCK_MANAGE,
            Permission.LABELS_PRINT,
            Permission.LABELS_WEIGHED,
            Permission.PRINTERS_CONFIGURE,
            Permission.REPORTS_VIEW,
            Permission.USERS_MANAGE,
            Permission.SETTINGS_MANAGE,
            Permission.AUDIT_VIEW,
            Permission.HOUSEHOLDS_COMMITTEE,
            Permission.TILL_SUPERVISE,
        }
    ),
    Role.ENCADRANT: frozenset(
        {
            Permission.TILL_SELL,
            Permission.TILL_SUPERVISE,
            Permission.STOCK_MANAGE,
            Permission.LABELS_PRINT,
            Permission.LABELS_WEIGHED,
            Permission.PRINTERS_CONFIGURE,
            Permission.HARVEST_LOG,
            Permission.ATELIERS_MANAGE,
            Permission.CONTRACTS_MANAGE,
            Permission.REPORTS_VIEW,
        }
    ),
    Role.CAISSIER: frozenset({Permission.TILL_SELL}),
    Role.REFERENT: frozenset({Permission.HOUSEHOLDS_MANAGE, Permission.CONTRACTS_MANAGE}),
    Role.JARDIN: frozenset({Permission.HARVEST_LOG, Permission.LABELS_WEIGHED}),
}


def role_allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
