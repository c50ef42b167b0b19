"""Logs of a running server: rotating files in ``instance/logs/`` — ``caisse.log`` (the
application: warnings, errors, start-up) and ``access.log`` (one line per request: method, path
without its query, status, duration, no cookie, no form, no name). The level is the
``LOG_LEVEL`` setting (``CAISSE_LOG_LEVEL``, INFO by default)."""

from __future__ import annotations

import logging
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path

from flask import Flask, g, request

MAX_BYTES = 5_000_000
BACKUPS = 10
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS_LOGGER = "caisse.access"


def _handler(path: Path) -> RotatingFileHandler:
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


def configure_file_logging(flask_app: Flask) -> tuple[Path, Path]:
    """Called by ``caisse serve`` (not by tests or commands): the two files' paths."""
    folder = Path(flask_app.instance_path) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    level = getattr(logging, str(flask_app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    application, access = folder / "caisse.log", folder / "access.log"
    root = logging.getLogger()
    root.setLevel(level)
    access_logger = logging.getLogger(ACCESS_LOGGER)
    access_logger.propagate = False
    access_logger.setLevel(logging.INFO)
    # Ours only, and only once: a second configuration (another instance folder) replaces
    # the files of the first.
    for logger, path in ((root, application), (access_logger, access)):
        for handler in [h for h in logger.handlers if getattr(h, "caisse_log", False)]:
            logger.removeHandler(handler)
            handler.close()
        handler = _handler(path)
        handler.caisse_log = True
        logger.addHandler(handler)
    return application, access


def register_access_log(flask_app: Flask) -> None:
    """One line per request once ``caisse serve`` has given the access log a file."""
    access_logger = logging.getLogger(ACCESS_LOGGER)

    @flask_app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()

    @flask_app.after_request
    def _log_access(response):
        if access_logger.handlers:
            # The path only: a query may carry a name typed in a search box.
            elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
            access_logger.info(
                "%s %s %s %.0fms %s",
                request.method,
                request.path[:200],
                response.status_code,
                elapsed * 1000,
                request.remote_addr or "-",
            )
        return response
