"""The site's tills: added, renamed, put out of service. A till's code is fixed once made: it is
in every ticket number of the till ("C2-000042") and in the journal."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.sites.models import FIRST_SITE_ID, Site
from app.values import InvalidValue, parse_text
from inventory.models import ChoiceKind, RessourcerieChoice
from pos.errors import InvalidRequest
from pos.models import CashSession, SessionStatus, Till

MAX_TILLS = 99


def _name(text: str) -> str:
    try:
        return parse_text(text, _("Nom de la caisse"), max_length=80, required=True)
    except InvalidValue as error:
        raise InvalidRequest(error.message) from None


def add_till(
    session: Session, actor_id: int, now: datetime, name: str, site_id: int = FIRST_SITE_ID
) -> Till:
    """A new till at a site: « C2 », or « NORD-C2 » at a site whose code is NORD (its tickets'
    numbers carry the site)."""
    site = session.get(Site, site_id)
    prefix = f"{site.code}-" if site.code else ""
    taken = set(session.scalars(select(Till.code)))
    code = next(
        (f"{prefix}C{n}" for n in range(1, MAX_TILLS + 1) if f"{prefix}C{n}" not in taken), None
    )
    if code is None:
        raise InvalidRequest(_("%(n)d caisses au plus.", n=MAX_TILLS))
    till = Till(code=code, name=_name(name), is_active=True, site_id=site_id)
    session.add(till)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="till.created",
        target=f"till:{code}",
        site_id=till.site_id,
    )
    return till


def change_till(
    session: Session,
    actor_id: int,
    now: datetime,
    till: Till,
    name: str,
    in_service: bool,
    point_id: int | None = None,
) -> None:
    """Its name, in or out of service, and the ressourcerie's sales point it stands at."""
    till.name = _name(name)
    if point_id is not None:
        point = session.get(RessourcerieChoice, point_id)
        if point is None or point.kind != ChoiceKind.POINT:
            raise InvalidRequest(_("Point de vente inconnu : rechargez la page."))
    till.point_id = point_id
    if not in_service and till.is_active:
        if session.scalar(
            select(CashSession.id).where(
                CashSession.till_id == till.id, CashSession.status == SessionStatus.OPEN
            )
        ):
            raise InvalidRequest(
                _("%(t)s est ouverte : clôturez-la avant de la mettre hors service.", t=till.name)
            )
        if session.scalar(select(Till.id).where(Till.is_active, Till.id != till.id)) is None:
            raise InvalidRequest(_("Gardez au moins une caisse en service."))
    till.is_active = in_service
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="till.changed",
        target=f"till:{till.code}",
        details={"en_service": in_service, "point": point_id},
        site_id=till.site_id,
    )


def set_printer(
    session: Session, actor_id: int, now: datetime, till: Till, kind: str, target: str, model: str
) -> None:
    """The till's receipt printer: ``target`` already checked against the site's limits
    (``hardware.targets.check_printer``); audited."""
    till.printer_kind, till.printer_target, till.printer_model = kind, target, model
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="till.printer_changed",
        target=f"till:{till.code}",
        details={"kind": kind, "target": target, "model": model},
        site_id=till.site_id,
    )
