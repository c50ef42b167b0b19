"""The journal's head kept outside the database: ``journal-head.json`` in the instance folder
(``journal-head-<site id>.json`` for each site but the first: a chain per site), signed with an
HMAC of the instance secret, rewritten after every commit that appended to the journal, and
checked at start and every few minutes. A database put back to an older copy
(the head behind, or different at the marked entry) and an edited marker are both seen and
journaled."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from app.sites.models import FIRST_SITE_ID
from pos.models import JournalEntry, JournalHead

CHECK_EVERY_SECONDS = 300
_lock = threading.Lock()


@dataclass(frozen=True)
class HeadMarker:
    path: Path
    secret: str

    def for_site(self, site_id: int) -> HeadMarker:
        """The marker of site ``site_id``'s chain (the first site's is the original file)."""
        if site_id == FIRST_SITE_ID:
            return self
        return replace(self, path=self.path.with_name(f"{self.path.stem}-{site_id}.json"))

    def signature(self, fields: dict) -> str:
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hmac.new(self.secret.encode(), body.encode(), hashlib.sha256).hexdigest()

    def read(self) -> tuple[dict | None, bool]:
        """(what the marker says, whether its signature holds); (None, True) if none."""
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None, True
        except (OSError, ValueError):
            return {}, False
        if not isinstance(data, dict):
            return {}, False
        fields = {k: data.get(k) for k in ("sequence", "hash", "first_hash")}
        valid = hmac.compare_digest(str(data.get("hmac", "")), self.signature(fields))
        return fields, valid

    def write(
        self, sequence: int, digest: str, first_hash: str | None, force: bool = False
    ) -> None:
        """Atomically; never moves back on the same journal unless forced (after a restore
        was journaled), whatever the order in which commits from several threads land."""
        fields = {"sequence": sequence, "hash": digest, "first_hash": first_hash}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, open(self.path.with_suffix(".lock"), "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            seen, valid = self.read()
            if (
                not force
                and seen
                and valid
                and seen.get("first_hash") == first_hash
                and isinstance(seen.get("sequence"), int)
                and seen["sequence"] >= sequence
            ):
                return
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps({**fields, "hmac": self.signature(fields)}))
            os.replace(temporary, self.path)


_configured: dict[str, HeadMarker] = {}


def configure_head_marker(marker: HeadMarker | None) -> None:
    """Where this process keeps the head (None: nowhere, for a bench or a test)."""
    _configured.clear()
    if marker is not None:
        _configured["marker"] = marker


def configured_marker() -> HeadMarker | None:
    return _configured.get("marker")


_ENTRY = JournalEntry.__table__.c
_FIRST_HASH = select(_ENTRY.hash).where(
    _ENTRY.site_id == bindparam("site_id"), _ENTRY.sequence == 1
)


def _first_hash(session: Session, site_id: int) -> str | None:
    """The hash of the site's first entry (a plain statement: on every ticket's path)."""
    return session.scalar(_FIRST_HASH, {"site_id": site_id})


def note_append(session: Session, site_id: int, sequence: int, digest: str) -> None:
    """Called by every append: the site's marker follows once the transaction commits."""
    firsts = session.info.setdefault("journal_first_hash", {})
    if site_id not in firsts:
        firsts[site_id] = digest if sequence == 1 else _first_hash(session, site_id)
    session.info.setdefault("journal_appended", {})[site_id] = (sequence, digest)


@event.listens_for(Session, "after_commit")
def _write_marker_after_commit(session: Session) -> None:
    appended = session.info.pop("journal_appended", None)
    marker = _configured.get("marker")
    if appended and marker is not None:
        firsts = session.info.get("journal_first_hash", {})
        for site_id, (sequence, digest) in appended.items():
            marker.for_site(site_id).write(sequence, digest, firsts.get(site_id))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("journal_appended", None)
    session.info.pop("journal_first_hash", None)  # a rollback may have undone the first entry


def check_head(session: Session, marker: HeadMarker, now: datetime) -> str | None:
    """Compare each site's chain with its marker; journal what does not match (a restore, an
    edited marker) in that chain and say it; rewrite the markers from the database. The caller
    commits."""
    messages = []
    for site_id in session.scalars(select(JournalHead.site_id).order_by(JournalHead.site_id)):
        message = _check_site_head(session, marker.for_site(site_id), site_id, now)
        if message and message not in messages:
            messages.append(message)
    session.info.pop("journal_appended", None)  # written here, with force
    return " ".join(messages) or None


def _check_site_head(
    session: Session, marker: HeadMarker, site_id: int, now: datetime
) -> str | None:
    from pos.journal.chain import append_entry

    seen, valid = marker.read()
    first = _first_hash(session, site_id)
    message = None
    if not valid:
        append_entry(
            session,
            "head_marker_altered",
            now,
            {"marker": {k: seen.get(k) for k in ("sequence", "hash")} if seen else None},
            site_id=site_id,
        )
        message = "Journal : le repère de tête a été modifié hors de l'application."
    elif seen and seen.get("first_hash") and seen["first_hash"] == first:
        at_mark = session.scalar(
            select(JournalEntry.hash).where(
                JournalEntry.site_id == site_id, JournalEntry.sequence == seen["sequence"]
            )
        )
        if at_mark != seen["hash"]:
            head_sequence = session.scalar(
                select(JournalHead.last_sequence).where(JournalHead.site_id == site_id)
            )
            append_entry(
                session,
                "restore",
                now,
                {
                    "last_seen_sequence": seen["sequence"],
                    "last_seen_hash": seen["hash"],
                    "restored_head_sequence": head_sequence,
                },
                site_id=site_id,
            )
            message = "Journal : restauration d'une sauvegarde détectée et enregistrée."
    sequence, digest = session.execute(
        select(JournalHead.last_sequence, JournalHead.last_hash).where(
            JournalHead.site_id == site_id
        )
    ).one()
    marker.write(sequence, digest, _first_hash(session, site_id), force=True)
    return message


_last_check = {"at": 0.0}


def check_now_and_then(session: Session, now: datetime) -> str | None:
    """Every few minutes (any request may run it): a restore made while the server ran."""
    marker = _configured.get("marker")
    if marker is None or time.monotonic() - _last_check["at"] < CHECK_EVERY_SECONDS:
        return None
    _last_check["at"] = time.monotonic()
    message = check_head(session, marker, now)
    if message:  # only then was anything written (and the page's transaction ends here)
        session.commit()
    return message
