"""Configuration: defaults, then ``CAISSE_*`` environment variables, then the instance config."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Config

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_DATABASE_URI": None,  # computed: DATABASE_URL or a SQLite file in the instance
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # FULL: a committed ticket survives a power cut. NORMAL is faster and may lose the last
    # commits on a power cut (WAL mode); only for a test bench (CAISSE_SQLITE_SYNCHRONOUS).
    "SQLITE_SYNCHRONOUS": "FULL",
    # The journal's head, kept outside the database after each commit: instance/
    # journal-head.json when empty; "off" for nowhere (a bench).
    "JOURNAL_HEAD_FILE": "",
    # Uploads (product CSV, photos) beyond this are refused with a French 413.
    "MAX_CONTENT_LENGTH": 10_000_000,
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # set CAISSE_SESSION_COOKIE_SECURE=1 behind HTTPS
    "SESSION_COOKIE_NAME": "caisse_session",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "REMEMBER_COOKIE_DURATION": 0,
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    "WTF_CSRF_SSL_STRICT": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # A "file" printer writes to a printer device or inside this folder (instance/impressions
    # when empty); the simulator printer (caisse printer-sim) listens on this port.
    "PRINTER_FILE_FOLDER": "",
    "PRINTER_SIM_PORT": 9100,
    # `caisse serve` writes instance/logs/caisse.log and access.log at this level.
    "LOG_LEVEL": "INFO",
    # Reverse proxies in front of the server (nginx for HTTPS: 1); 0 when clients connect
    # directly. Only then are X-Forwarded-For/-Proto believed.
    "PROXY_COUNT": 0,
}

ENV_PREFIX = "CAISSE"  # CAISSE_LOG_LEVEL=DEBUG, CAISSE_SESSION_COOKIE_SECURE=true…


def normalise_database_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` both mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def persistent_secret_key(instance_path: Path) -> str:
    """A random key created once per installation, kept in the instance folder."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def default_sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'caisse.sqlite3'}"


def resolve_config(instance_path: Path, given: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults, then ``CAISSE_*`` variables (values read as JSON: ``1``, ``true``, ``"x"``;
    Flask's ``from_prefixed_env``), then ``DATABASE_URL``, then the site's
    ``instance/caisse.json`` (printer folder, database…), then what the caller gives (tests)."""
    config = Config(str(instance_path))
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env(ENV_PREFIX)
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    config.from_file("caisse.json", load=json.load, silent=True)
    config.from_mapping(given or {})
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = default_sqlite_url(instance_path)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config.get("PRINTER_FILE_FOLDER"):
        config["PRINTER_FILE_FOLDER"] = str(instance_path / "impressions")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = persistent_secret_key(instance_path)
    return dict(config)
