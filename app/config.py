"""Configuration: defaults, then ``CAISSE_*`` environment variables, then the instance config."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

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

ENV_PREFIX = "CAISSE_"


def _coerce(raw: str) -> Any:
    """Environment values are strings; accept JSON literals (1, true, "x", {...})."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def environment_overrides(environ: dict[str, str]) -> dict[str, Any]:
    overrides = {}
    for name, raw in environ.items():
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX):
            key = name[len(ENV_PREFIX):]
            overrides[key] = _coerce(raw)
    if environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    return overrides


def normalise_database_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` both mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
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


def instance_overrides(instance_path: Path) -> dict[str, Any]:
    """``instance/caisse.json`` holds site-specific values (printer names, database…)."""
    config_file = instance_path / "caisse.json"
    if not config_file.exists():
        return {}
    return json.loads(config_file.read_text(encoding="utf-8"))


def default_sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'caisse.sqlite3'}"


def resolve_config(instance_path: Path, given: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    config.update(environment_overrides(dict(os.environ)))
    config.update(instance_overrides(instance_path))
    config.update(given or {})
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = default_sqlite_url(instance_path)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config.get("PRINTER_FILE_FOLDER"):
        config["PRINTER_FILE_FOLDER"] = str(instance_path / "impressions")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = persistent_secret_key(instance_path)
    return config
