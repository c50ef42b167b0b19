"""Creating and finding sites. SQLite serves one site (the default); a second site needs
PostgreSQL, and says so."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.domain import DomainError
from app.sites.models import Site, user_sites
from app.values import InvalidValue, parse_text

_CODE = re.compile(r"[A-Z0-9]{1,8}")


class SiteRefused(DomainError):
    """A site that cannot be made or found (the message says why, in French)."""


def parse_site_code(text: str | None) -> str:
    """A site's code, printed in its tickets' numbers: 1 to 8 capital letters or digits."""
    code = (text or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise SiteRefused(
            _(
                "Code du site « %(c)s » : 1 à 8 lettres majuscules ou chiffres (ex. NORD).",
                c=(text or "")[:20],
            )
        )
    return code


def create_site(
    session: Session, actor_id: int | None, now: datetime, code: str, name: str
) -> Site:
    """A new site (its journal chain starts at its first entry)."""
    if session.get_bind().dialect.name != "postgresql":
        raise SiteRefused(
            _(
                "Plusieurs sites demandent une base PostgreSQL (DATABASE_URL) : une base "
                "SQLite sert un seul site."
            )
        )
    code = parse_site_code(code)
    try:
        label = parse_text(name, _("Nom du site"), max_length=80, required=True)
    except InvalidValue as error:
        raise SiteRefused(error.message) from None
    clash = session.scalar(
        select(Site.id).where((Site.code == code) | (func.lower(Site.name) == label.lower()))
    )
    if clash is not None:
        raise SiteRefused(_("Un site porte déjà ce code ou ce nom."))
    site = Site(code=code, name=label, is_active=True, created_at=now)
    session.add(site)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="site.created",
        target=f"site:{site.id}",
        details={"code": code, "name": label},
    )
    return site


def site_by_code(session: Session, code: str) -> Site:
    """The site of that code (the first site's code is empty)."""
    site = session.scalar(select(Site).where(Site.code == (code or "").strip().upper()))
    if site is None:
        raise SiteRefused(_("Aucun site de code « %(c)s ».", c=(code or "")[:20]))
    return site


def give_sites(session: Session, user_id: int, site_ids) -> None:
    """The sites a user works at (replacing the ones given before)."""
    session.execute(user_sites.delete().where(user_sites.c.user_id == user_id))
    wanted = sorted(set(site_ids))
    if wanted:
        session.execute(
            user_sites.insert(), [{"user_id": user_id, "site_id": site} for site in wanted]
        )


def sites_of(session: Session, user_id: int) -> list[int]:
    return list(
        session.scalars(
            select(user_sites.c.site_id)
            .where(user_sites.c.user_id == user_id)
            .order_by(user_sites.c.site_id)
        )
    )
