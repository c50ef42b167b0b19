"""The print queue each till's printer drains in order: jobs claimed by one worker at a time
(a claim left by a dead worker is taken back), sent, retried with a growing delay, given up
after many attempts; and what the till shows of its printer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, aliased

from app.orm import lock_for_update
from hardware.transport import PrinterError, configured_connection, send
from pos.models import (
    JobKind,
    JobStatus,
    PrintJob,
    Sale,
    Till,
)
from pos.services.printing import queue_duplicate

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300
MAX_ATTEMPTS = 20  # with the backoff capped at 5 minutes: about an hour and a half
STALE_CLAIM = timedelta(minutes=2)
DRAWER_MAX_AGE = timedelta(minutes=1)  # a drawer that did not open then never opens later


def _recover_interrupted_jobs(session: Session, now: datetime) -> None:
    """A worker died while sending: the receipt may have come out, so it is not sent again as
    an original but as a journaled copy (DUPLICATA); a drawer kick or a test page is dropped.
    Drawer kicks still waiting after a minute are dropped too: a drawer never opens later."""
    stale = select(PrintJob).where(
        PrintJob.status == JobStatus.SENDING, PrintJob.claimed_at < now - STALE_CLAIM
    )
    if session.get_bind().dialect.name == "postgresql":
        stale = stale.with_for_update(skip_locked=True)
    for job in session.scalars(stale).all():
        job.status = JobStatus.FAILED
        job.last_error = "Envoi interrompu en cours de route."
        if job.kind in (JobKind.RECEIPT, JobKind.DUPLICATE) and job.sale_id is not None:
            queue_duplicate(session, session.get(Sale, job.sale_id), now)
    session.execute(
        update(PrintJob)
        .where(
            PrintJob.kind == JobKind.DRAWER,
            PrintJob.status == JobStatus.PENDING,
            PrintJob.created_at < now - DRAWER_MAX_AGE,
        )
        .values(status=JobStatus.FAILED, last_error="Tiroir non ouvert à temps : abandonné.")
    )
    session.flush()


def claim_next_job(session: Session, worker: str, now: datetime) -> PrintJob | None:
    """Take one due job for this worker; no other worker can take it."""
    lock_for_update(session)
    _recover_interrupted_jobs(session, now)
    # A till's receipts come out in ticket order, whatever the number of workers: a job waits
    # while an earlier one of its till is waiting or being sent (drawer kicks excepted: they
    # neither wait nor hold anything up, and expire after a minute).
    earlier = aliased(PrintJob)
    held_up = exists().where(
        earlier.till_id == PrintJob.till_id,
        earlier.id < PrintJob.id,
        earlier.kind != JobKind.DRAWER,
        earlier.status.in_((JobStatus.PENDING, JobStatus.SENDING)),
    )
    candidate = (
        select(PrintJob.id)
        .where(
            PrintJob.status == JobStatus.PENDING,
            PrintJob.next_attempt_at <= now,
            (PrintJob.kind == JobKind.DRAWER) | ~held_up,
        )
        .order_by(PrintJob.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    job_id = session.execute(
        update(PrintJob)
        .where(PrintJob.id == candidate.scalar_subquery(), PrintJob.status == JobStatus.PENDING)
        .values(status=JobStatus.SENDING, claimed_by=worker, claimed_at=now)
        .returning(PrintJob.id)
    ).scalar()
    session.commit()
    return session.get(PrintJob, job_id) if job_id else None


def send_job(session: Session, job: PrintJob, now: datetime, timeout: float = 5.0) -> bool:
    till = session.get(Till, job.till_id)
    from flask import current_app

    connection = configured_connection(
        till.printer_kind, till.printer_target, current_app.config, timeout
    )
    try:
        send(connection, job.data)  # no database lock is held while talking to the printer
    except PrinterError as error:
        lock_for_update(session)
        job.attempts += 1
        job.status = JobStatus.FAILED if job.attempts >= MAX_ATTEMPTS else JobStatus.PENDING
        job.next_attempt_at = now + timedelta(seconds=min(2**job.attempts, MAX_BACKOFF_SECONDS))
        job.last_error = error.message[:300]
        job.last_state = error.state
        session.commit()
        logger.warning("print job %s failed: %s", job.id, error.message)
        return False
    lock_for_update(session)
    job.status = JobStatus.DONE
    job.sent_at = now
    job.last_error = job.last_state = None
    session.commit()
    return True


def run_due_jobs(session: Session, worker: str, now: datetime, limit: int = 50) -> int:
    sent = 0
    for _ in range(limit):
        job = claim_next_job(session, worker, now)
        if job is None:
            break
        sent += send_job(session, job, now)
    return sent


@dataclass(frozen=True)
class PrinterState:
    state: str  # "ok", "offline", "failing", "none"
    message: str
    waiting: int


def printer_state(session: Session, till: Till) -> PrinterState:
    if till.printer_kind == "none":
        return PrinterState("none", "Pas d'imprimante configurée.", 0)
    waiting = session.scalar(
        select(func.count(PrintJob.id)).where(
            PrintJob.till_id == till.id, PrintJob.status.in_((JobStatus.PENDING, JobStatus.SENDING))
        )
    )
    latest = session.scalar(
        select(PrintJob).where(PrintJob.till_id == till.id).order_by(PrintJob.id.desc()).limit(1)
    )
    if latest is not None and latest.status == JobStatus.FAILED:
        return PrinterState(
            "failing",
            "Impression abandonnée après plusieurs essais : "
            "vérifiez l'imprimante puis « Réimprimer le dernier ticket ».",
            0,
        )
    failing = session.scalar(
        select(PrintJob)
        .where(
            PrintJob.till_id == till.id, PrintJob.status == JobStatus.PENDING, PrintJob.attempts > 0
        )
        .order_by(PrintJob.id.desc())
        .limit(1)
    )
    if failing is not None:
        label = "hors ligne" if failing.last_state == "offline" else "en erreur"
        return PrinterState(
            failing.last_state or "failing",
            f"Imprimante {label} : {waiting} impression(s) en attente, nouvel essai automatique.",
            waiting,
        )
    return PrinterState(
        "ok", "Imprimante prête." if not waiting else f"{waiting} impression(s) en cours.", waiting
    )
