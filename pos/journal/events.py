"""The journal's technical events: the software version, failed verifications, and the checks
made when the server starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from pos.journal.chain import append_entry
from pos.journal.closures import _last_of_kind
from pos.journal.head import HeadMarker, check_head
from pos.journal.verify import Verification, verify_journal

# ---- technical events -----------------------------------------------------------------------


def software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("caisse-solidaire")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "inconnue"


def record_software_version(session: Session, version: str, now: datetime) -> bool:
    """Journal the version the first time it runs (an upgrade or a downgrade is visible)."""
    last = _last_of_kind(session, "software_version")  # the newest entry of that kind
    if last is not None and last["version"] == version:
        return False
    append_entry(
        session,
        "software_version",
        now,
        {"version": version, "previous_version": last["version"] if last else None},
    )
    return True


def record_failed_verification(session: Session, result: Verification, now: datetime) -> None:
    append_entry(
        session,
        "verification_failed",
        now,
        {"message": result.message, "verified_count": result.count},
    )


def verify_and_record(session: Session, now: datetime) -> Verification:
    """Verify; a failure is itself journaled (in its own commit, so it stays)."""
    result = verify_journal(session)
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
