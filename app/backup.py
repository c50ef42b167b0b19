"""Consistent copies of the database and putting one back: SQLite through its online backup
API, PostgreSQL through pg_dump / pg_restore on one exported snapshot. A manifest next to
each copy says what it holds (the database kind, when, the journal head at that moment and
the copy's SHA-256). Restoring refuses while ``caisse serve`` runs (it holds a lock file)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from app.sites.models import FIRST_SITE_ID

SERVE_LOCK = "serve.lock"


class BackupError(Exception):
    """Said in French to the person running the command."""


def hold_serve_lock(instance_path: str) -> IO:
    """Taken by ``caisse serve`` for its whole life (the handle must stay open)."""
    handle = open(Path(instance_path) / SERVE_LOCK, "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError("Un serveur « caisse serve » tourne déjà sur ce dossier.") from None
    return handle


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _journal_heads(connection) -> dict[str, dict]:
    """Each site's chain head at the copy's moment, by site id (text: a JSON key)."""
    heads = connection.execute(
        text(
            "SELECT h.site_id, h.last_sequence, h.last_hash, e.hash FROM journal_heads h "
            "LEFT JOIN journal_entries e ON e.site_id = h.site_id AND e.sequence = 1 "
            "ORDER BY h.site_id"
        )
    ).all()
    return {
        str(site): {"sequence": sequence, "hash": digest, "first_hash": first}
        for site, sequence, digest, first in heads
    }


def _pg_url(engine: Engine) -> str:
    return make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"« {name} » est introuvable : installez le paquet postgresql-client.")
    return tool


def backup_database(engine: Engine, folder: Path, now: datetime) -> Backup:
    """A consistent copy in ``folder`` with its manifest; the journal head is read in the
    same snapshot as the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    if engine.dialect.name == "sqlite":
        target = folder / f"caisse-{stamp}.sqlite3"
        source = sqlite3.connect(engine.url.database)
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        copied = create_engine(f"sqlite:///{target}")
        with copied.connect() as connection:
            heads = _journal_heads(connection)
        copied.dispose()
    else:
        target = folder / f"caisse-{stamp}.pgdump"
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
            heads = _journal_heads(connection)
            result = subprocess.run(  # noqa: S603 — fixed arguments, no shell
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    # Row-level security holds the tables' owner too (FORCE): without this
                    # pg_dump refuses them. No person's scope is set: every site is copied.
                    "--enable-row-security",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    _pg_url(engine),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            connection.rollback()
        if result.returncode != 0:
            raise BackupError(f"pg_dump a échoué : {result.stderr.strip()[:300]}")
    manifest = {
        "database": engine.dialect.name,
        "file": target.name,
        "created_at": now.isoformat(),
        "journal": heads[str(FIRST_SITE_ID)],  # the first site's (as before sites)
        "journals": heads,  # every site's chain
        "sha256": _sha256(target),
    }
    target.with_name(target.name + ".json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2)
    )
    return Backup(target, manifest)


def read_backup(path: Path) -> Backup:
    manifest_path = path.with_name(path.name + ".json")
    if not path.is_file():
        raise BackupError(f"Sauvegarde introuvable : {path}")
    if not manifest_path.is_file():
        raise BackupError(
            f"Le fichier {manifest_path.name} (ce que contient la sauvegarde) "
            "manque à côté de la sauvegarde."
        )
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("sha256") != _sha256(path):
        raise BackupError(
            "La sauvegarde ne correspond plus à son empreinte SHA-256 : "
            "fichier abîmé ou modifié, restauration refusée."
        )
    return Backup(path, manifest)


def restore_database(engine: Engine, backup: Backup) -> None:
    """Put the copy back in place of the current database (the server must be stopped)."""
    kind = backup.manifest.get("database")
    if kind != engine.dialect.name:
        raise BackupError(
            f"Cette sauvegarde vient d'une base {kind}, la base configurée est "
            f"{engine.dialect.name}."
        )
    engine.dispose()
    if kind == "sqlite":
        source = sqlite3.connect(backup.path)
        try:
            live = sqlite3.connect(engine.url.database)
            with live:
                source.backup(live)
            live.close()
        finally:
            source.close()
    else:
        result = subprocess.run(  # noqa: S603 — fixed arguments, no shell
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_pg_url(engine)}",
                str(backup.path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore a échoué : {result.stderr.strip()[:300]}")
