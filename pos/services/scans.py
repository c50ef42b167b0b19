"""Scans from serial scanners, handed to the page of the till that owns the scanner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from pos.models import TillScan
from pos.services.sessions import till_by_code

KEEP = timedelta(minutes=10)


def record_scan(till_code: str, code: str, session: Session | None = None) -> None:
    from app.extensions import db

    own = session is None
    session = session or Session(db.engine)
    try:
        till = till_by_code(session, till_code)
        now = utcnow()
        session.add(TillScan(till_id=till.id, code=code[:64], at=now, site_id=till.site_id))
        session.execute(delete(TillScan).where(TillScan.at < now - KEEP))
        session.commit() if own else session.flush()
    finally:
        if own:
            session.close()


def latest_scan_id(session: Session, till_code: str) -> int:
    till = till_by_code(session, till_code)
    return session.scalar(
        select(func.coalesce(func.max(TillScan.id), 0)).where(TillScan.till_id == till.id)
    )


def scans_after(session: Session, till_code: str, after_id: int) -> list[TillScan]:
    till = till_by_code(session, till_code)
    return list(
        session.scalars(
            select(TillScan)
            .where(TillScan.till_id == till.id, TillScan.id > after_id)
            .order_by(TillScan.id)
            .limit(20)
        )
    )
