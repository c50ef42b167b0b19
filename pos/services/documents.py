"""A document (sale or refund) by its UUID, and its ticket number: the till's UUID answers
for one document only, and numbers follow each other per till without a gap."""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.orm import lock_key
from pos.errors import UuidConflict
from pos.models import AbandonedSale, Sale, SaleKind, Till

# Built once (on every ticket's path, building a statement costs more than running it), on
# the plain tables: a UUID is the till's, whatever site it names.
_SALES, _TILLS = Sale.__table__, Till.__table__
_DOCUMENT_BY_UUID = (
    select(_SALES.c.id, _SALES.c.kind, _TILLS.c.code)
    .join(_TILLS, _TILLS.c.id == _SALES.c.till_id)
    .where(_SALES.c.uuid == bindparam("uuid"))
)
_ABANDONED_BY_UUID = select(AbandonedSale.__table__.c.id).where(
    AbandonedSale.__table__.c.uuid == bindparam("uuid")
)
_NEXT_TICKET = (
    update(Till.__table__)
    .where(Till.id == bindparam("till_id"))
    .values(last_ticket_number=Till.last_ticket_number + 1)
    .returning(Till.last_ticket_number)
)


def replayed_document(
    session: Session, uuid: str, kind: SaleKind, till_code: str, offline_code: str | None = None
) -> Sale | None:
    """The document already recorded under ``uuid``, if it is the same kind on the same till
    (or its offline series, ``offline_code``); a UUID never answers for another kind, another
    till, or a sale given up."""
    existing = session.execute(_DOCUMENT_BY_UUID, {"uuid": uuid}).first()
    if existing is not None:
        if existing.kind != kind or existing.code not in (till_code, offline_code):
            raise UuidConflict(
                _("Cet identifiant a déjà servi pour un autre document : rien n'a été enregistré.")
            )
        return session.get(Sale, existing.id)
    if session.scalar(_ABANDONED_BY_UUID, {"uuid": uuid}):
        raise UuidConflict(
            _(
                "Cette vente a été abandonnée par un·e encadrant·e : elle ne "
                "peut plus être enregistrée."
            ),
            code="sale_abandoned",
        )
    return None


def next_ticket_number(session: Session, till: Till) -> int:
    """Atomic in the database (the row stays locked until commit, so numbers never repeat)."""
    number = session.execute(_NEXT_TICKET, {"till_id": till.id}).scalar_one()
    set_committed_value(till, "last_ticket_number", number)
    return number


def ticket_reference(till_code: str, number: int) -> str:
    return f"{till_code}-{number:06d}"


def tickets_by_uuid(session: Session, uuids) -> dict[str, str]:
    """Sale UUIDs (the stock ledger's ``sale:<uuid>`` references) → their ticket numbers."""
    rows = session.execute(
        select(Sale.uuid, Till.code, Sale.number)
        .join(Till, Till.id == Sale.till_id)
        .where(Sale.uuid.in_(list(uuids)))
    )
    return {uuid: ticket_reference(code, number) for uuid, code, number in rows}


OFFLINE_SUFFIX = "H"  # « C1 » numbers its offline tickets « C1H-000001 »…


def offline_badge_digest(badge: str) -> str:
    """What the till keeps of an encadrant·e's badge to recognise it offline (not the code)."""
    return hashlib.sha256(f"caisse-hors-ligne:{badge}".encode()).hexdigest()


def offline_series(session: Session, till: Till) -> Till:
    """The till's offline series (created the first time): its own gap-free numbering."""
    wanted = select(Till).where(Till.offline_of_id == till.id)
    series = session.scalar(wanted)
    if series is None:  # made once, whatever two requests do at the same moment
        lock_key(session, f"offline-series:{till.id}")
        series = session.scalar(wanted)
    if series is None:
        series = Till(
            code=f"{till.code}{OFFLINE_SUFFIX}"[:20],
            name=_("%(n)s (hors ligne)", n=till.name)[:80],
            is_active=False,  # never opened, never sold at: only numbers offline tickets
            offline_of_id=till.id,
            site_id=till.site_id,  # its tickets are chained in the till's site's journal
        )
        session.add(series)
        session.flush()
    return series
