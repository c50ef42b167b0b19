"""The print worker: sends due jobs in a loop (a thread of ``caisse serve``, or its own process
with ``caisse print-worker``); several may run, each job is claimed by one."""

from __future__ import annotations

import logging
import os
import socket
import threading

from sqlalchemy.orm import Session

from app.clock import utcnow
from pos.services.print_queue import run_due_jobs

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:80]


def run_forever(flask_app, stop: threading.Event, interval_seconds: float = 1.0) -> None:
    from app.extensions import db

    name = worker_name()
    with flask_app.app_context():
        while not stop.is_set():
            try:
                with Session(db.engine) as session:
                    run_due_jobs(session, name, utcnow())
            except Exception:
                logger.exception("print worker")
            stop.wait(interval_seconds)


def start_in_background(flask_app) -> threading.Event:
    stop = threading.Event()
    threading.Thread(
        target=run_forever, args=(flask_app, stop), daemon=True, name="print-worker"
    ).start()
    return stop
