"""The journal's technical events: the software version, failed verifications, and the checks
made when the server starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sites.models import FIRST_SITE_ID
from pos.journal.chain import append_entry
from pos.journal.closures import _last_of_kind
from pos.journal.head import HeadMarker, check_head
from pos.journal.verify import Verification, verify_journal
from pos.models import JournalHead

# ---- technical events -----------------------------------------------------------------------


def software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("caisse-solidaire")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "inconnue"


def record_software_version(session: Session, version: str, now: datetime) -> bool:
    """Journal the version the first time it runs (an upgrade or a downgrade is visible), in
    every site's chain (each tells its whole story)."""
    recorded = False
    for site_id in session.scalars(select(JournalHead.site_id).order_by(JournalHead.site_id)):
        last = _last_of_kind(session, "software_version", site_id)  # the newest of that kind
        if last is not None and last["version"] == version:
            continue
        append_entry(
            session,
            "software_version",
            now,
            {"version": version, "previous_version": last["version"] if last else None},
            site_id=site_id,
        )
        recorded = True
    return recorded


def record_failed_verification(session: Session, result: Verification, now: datetime) -> None:
    append_entry(
        session,
        "verification_failed",
        now,
        {"message": result.message, "verified_count": result.count},
        site_id=result.site_id or FIRST_SITE_ID,
    )


def verify_and_record(session: Session, now: datetime, site_id: int | None = None) -> Verification:
    """Verify (one site, or every site); a failure is itself journaled in the chain that
    failed (in its own commit, so it stays)."""
    result = verify_journal(session, site_id)
    if not result.ok:
        record_failed_verification(session, result, now)
        session.commit()
    return result


def startup_checks(session: Session, marker: HeadMarker | None, now: datetime) -> list[str]:
    """At server start: a new software version, a restore or an edited head marker are
    journaled."""
    messages = []
    if record_software_version(session, software_version(), now):
        messages.append(f"Journal : version du logiciel {software_version()} enregistrée.")
    found = check_head(session, marker, now) if marker is not None else None
    if found:
        messages.append(found)
    session.commit()
    return messages
