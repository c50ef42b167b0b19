"""First install: `caisse init` makes an empty database a site that can sell — its first
administrator, the site's identity, default categories, the CCAS's ateliers and the jardin's
parcels, and one till — with no demo data. Everything else is then done from the screens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.settings.core import SHOP_ADDRESS, SHOP_NAME, SHOP_SIRET, SHOP_VAT_EXEMPT
from app.users.accounts import NewUser, create_user
from app.users.models import User
from app.users.roles import Role

DEFAULT_CATEGORIES = (
    "Épicerie salée",
    "Épicerie sucrée",
    "Fruits et légumes",
    "Frais",
    "Produits laitiers",
    "Surgelés",
    "Boissons",
    "Bébé",
    "Hygiène",
    "Entretien",
)


class SiteAlreadyInitialised(Exception):
    """The database already has accounts: `caisse init` changes nothing."""


@dataclass(frozen=True, kw_only=True)
class SiteSetup:
    admin_name: str
    admin_username: str
    admin_password: str
    shop_name: str
    shop_address: str = ""
    siret: str = ""
    vat_exempt: bool = True  # "franchise en base de TVA" (art. 293 B du CGI)


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count(User.id))))


def initialise_site(session: Session, now: datetime, setup: SiteSetup) -> list[str]:
    """Create what a real site needs to start; refuse on a database that has users."""
    from inventory.models import Category
    from inventory.services.parcels import DEFAULT_PARCELS, default_parcels
    from participants.defaults import ATELIER_CAPACITY, ATELIERS
    from participants.models import Atelier
    from pos.models import Till

    if has_users(session):
        raise SiteAlreadyInitialised
    shop_name = SHOP_NAME.parse(setup.shop_name)
    address = SHOP_ADDRESS.parse(setup.shop_address)
    siret = SHOP_SIRET.parse(setup.siret)
    admin = create_user(
        session,
        None,
        now,
        NewUser(
            display_name=setup.admin_name,
            role=Role.ADMIN,
            username=setup.admin_username,
            password=setup.admin_password,
        ),
    )
    for spec, value in (
        (SHOP_NAME, shop_name),
        (SHOP_ADDRESS, address),
        (SHOP_SIRET, siret),
        (SHOP_VAT_EXEMPT, setup.vat_exempt),
    ):
        spec.set(session, value, now)
    session.add_all(Category(name=name) for name in DEFAULT_CATEGORIES)
    session.add_all(
        Atelier(code=code, name=name, capacity=ATELIER_CAPACITY) for code, name in ATELIERS
    )
    session.add_all(default_parcels())  # editable: Jardin → Parcelles
    session.add(Till(code="C1", name="Caisse 1", is_active=True))
    session.flush()
    record_audit(
        session, actor_id=admin.id, now=now, action="site.initialised", target=f"user:{admin.id}"
    )
    regime = "TVA non applicable, art. 293 B du CGI" if setup.vat_exempt else "TVA applicable"
    return [
        f"Structure : {shop_name} ({regime}).",
        f"Administrateur·rice : {admin.display_name} (identifiant « {admin.username} »).",
        f"Catégories : {len(DEFAULT_CATEGORIES)} ; ateliers : {len(ATELIERS)} ; parcelles du "
        f"jardin : {DEFAULT_PARCELS} ; caisse : C1 (à renommer et à relier à son imprimante dans "
        "Administration → Caisses et imprimantes).",
        "Connectez-vous avec ce compte pour créer les autres comptes, les produits et les "
        "réceptions.",
    ]
