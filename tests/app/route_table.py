"""The table of pages and who may open them, from the code (app.url_map and each view's
``required_permissions``): the README's « Pages et rôles » table must say the same."""

from __future__ import annotations

from app.users.roles import ROLE_PERMISSIONS, Role

ROLE_ORDER = (Role.ADMIN, Role.ENCADRANT, Role.CAISSIER, Role.REFERENT, Role.JARDIN)
# Views open without a permission: to anyone, or to anyone logged in.
PUBLIC = {
    "main.index",
    "main.health",
    "users.login",
    "users.badge_login",
    "openapi",
    "static",
    "pos.static",
    "pos.service_worker",
}
LOGGED_IN = {
    "main.home",
    "users.logout",
    "scale.read_scale",
    "users.my_account",
    "sites.work_at",
}


def rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in ("static", "pos.static"):
            continue
        yield rule


def permission_cell(app, endpoint: str) -> str:
    needed = getattr(app.view_functions[endpoint], "required_permissions", None)
    if needed:
        return " ou ".join(f"`{p}`" for p in needed)
    if endpoint in PUBLIC:
        return "aucune (public)"
    if endpoint in LOGGED_IN:
        return "connexion"
    return "?"


def roles_cell(app, endpoint: str) -> str:
    needed = getattr(app.view_functions[endpoint], "required_permissions", None)
    if not needed:
        return "tous" if endpoint in LOGGED_IN else "tout le monde"
    return ", ".join(
        role.value for role in ROLE_ORDER if any(p in ROLE_PERMISSIONS[role] for p in needed)
    )


def table_rows(app) -> list[tuple[str, str, str, str]]:
    rows = []
    for rule in rules(app):
        methods = "/".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        rows.append(
            (
                methods,
                f"`{rule.rule}`",
                permission_cell(app, rule.endpoint),
                roles_cell(app, rule.endpoint),
            )
        )
    return rows


def markdown(app) -> str:
    lines = ["| méthodes | adresse | permission | rôles |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in table_rows(app)]
    return "\n".join(lines)


def permissions_markdown() -> str:
    from app.users.roles import Permission

    lines = [
        "| permission | " + " | ".join(r.value for r in ROLE_ORDER) + " |",
        "|---|" + "---|" * len(ROLE_ORDER),
    ]
    for permission in Permission:
        marks = ["✓" if permission in ROLE_PERMISSIONS[r] else "" for r in ROLE_ORDER]
        lines.append(f"| `{permission.value}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)
