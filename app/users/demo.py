"""Demo accounts, one per role (the README lists the same credentials)."""

from __future__ import annotations

from app.barcodes import complete_ean13
from app.users.accounts import NewUser, create_user
from app.users.roles import Role

# Staff badges start with 041 (see the nomenclature in ../shared/DOMAIN.md).
DEMO_USERS = (
    NewUser("Claire Directrice", Role.ADMIN, username="admin", password="admin-demo"),
    NewUser(
        "Karim Encadrant",
        Role.ENCADRANT,
        username="encadrant",
        password="encadrant-demo",
        badge_code=complete_ean13("041000000002"),
        pin="2468",
    ),
    NewUser(
        "Nadia Caissière", Role.CAISSIER, badge_code=complete_ean13("041000000001"), pin="1234"
    ),
    NewUser("Sophie Référente", Role.REFERENT, username="referent", password="referent-demo"),
    NewUser("Julien Jardin", Role.JARDIN, username="jardin", password="jardin-demo"),
)


def load_demo(session, context) -> list[str]:
    lines = ["Comptes de démonstration :"]
    users = {}
    for data in DEMO_USERS:
        user = create_user(session, None, context.now, data)
        users[data.role] = user
        if data.password:
            lines.append(
                f"  {data.role.value:<10} identifiant {data.username} / mot de passe "
                f"{data.password}"
            )
        if data.badge_code:
            lines.append(f"  {data.role.value:<10} badge {user.badge_code} / PIN {data.pin}")
    context.shared["users"] = users
    return lines
