"""`caisse doctor`: what would stop a site from selling, said in French — the database and its
migrations, the journal, each till's printer, the scale, the disk, the clock."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select, text

MIN_FREE_BYTES = 500_000_000  # below this, backups and the journal are at risk


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str

    def line(self) -> str:
        return f"{'OK      ' if self.ok else 'PROBLÈME'}  {self.text}"


def _database(flask_app: Flask, session) -> list[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    from app import MIGRATIONS_DIRECTORY

    try:
        session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 — said, not raised
        return [Finding(False, f"Base de données injoignable : {error}")]
    current = MigrationContext.configure(session.connection()).get_current_revision()
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIRECTORY)
    head = ScriptDirectory.from_config(config).get_current_head()
    dialect = session.get_bind().dialect.name
    found = [Finding(True, f"Base de données joignable ({dialect}).")]
    if current != head:
        found.append(
            Finding(
                False,
                f"Schéma en retard ({current or 'vide'} au lieu de {head}) :"
                " lancez « caisse db upgrade » (après « caisse backup »).",
            )
        )
    else:
        found.append(Finding(True, f"Schéma à jour ({head})."))
    if dialect == "postgresql":
        found.append(_row_security(session))
    return found


def _row_security(session) -> Finding:
    """Row-level security keeps each site's rows to its people, unless the application
    connects as a superuser (or a role allowed to bypass it)."""
    bypass = session.execute(
        text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if bypass:
        return Finding(
            False,
            "Connexion PostgreSQL en super-utilisateur : la sécurité au niveau des lignes "
            "(chaque site ne voit que ses données) ne s'applique pas. Connectez l'application "
            "avec le compte propriétaire de la base (README, « Plusieurs sites »).",
        )
    return Finding(True, "Sécurité au niveau des lignes active (compte non super-utilisateur).")


def _journal(session, now: datetime) -> list[Finding]:
    from pos.journal.head import configured_marker
    from pos.journal.verify import verify_journal

    result = verify_journal(session)
    found = [
        Finding(
            result.ok,
            "Journal des ventes intègre."
            if result.ok
            else f"Journal des ventes : {result.message}",
        )
    ]
    marker = configured_marker()
    if marker is not None:
        seen, valid = marker.read()
        if seen is None:
            found.append(Finding(True, "Tête du journal pas encore écrite (aucune vente ?)."))
        elif valid:
            found.append(Finding(True, "Tête du journal présente et signée."))
        else:
            found.append(
                Finding(
                    False,
                    "Tête du journal modifiée hors de la caisse : « caisse "
                    "serve » le journalisera au démarrage.",
                )
            )
    return found


def _printers(flask_app: Flask, session) -> list[Finding]:
    from hardware.targets import InvalidPrinterTarget, check_target
    from hardware.transport import configured_connection, printer_online
    from pos.models import Till

    found = []
    folder = flask_app.config.get("PRINTER_FILE_FOLDER")
    for till in session.scalars(select(Till).where(Till.is_active).order_by(Till.code)):
        if till.printer_kind == "none":
            found.append(Finding(True, f"{till.name} : pas d'imprimante (tickets non imprimés)."))
            continue
        try:
            check_target(
                till.printer_kind, till.printer_target or "", Path(folder) if folder else None
            )
        except InvalidPrinterTarget as error:
            if till.printer_kind != "network" or "127.0.0.1" not in till.printer_target:
                found.append(
                    Finding(False, f"{till.name} : imprimante mal réglée — {error.message}")
                )
                continue
        online = printer_online(
            configured_connection(till.printer_kind, till.printer_target, flask_app.config, 1.0)
        )
        found.append(
            Finding(
                online,
                f"{till.name} : imprimante "
                f"{'joignable' if online else 'injoignable'} "
                f"({till.printer_kind} {till.printer_target}).",
            )
        )
    return found


def _scale(session) -> list[Finding]:
    from app.settings.core import SCALE_PORT

    port = SCALE_PORT.get(session)
    if not port:
        return [Finding(True, "Pas de balance réglée (le poids se tape).")]
    if port.startswith("/dev/") and not os.path.exists(port):
        return [Finding(False, f"Balance : {port} n'existe pas (câble débranché ?).")]
    return [Finding(True, f"Balance : {port}.")]


def _disk_and_clock(flask_app: Flask, now: datetime) -> list[Finding]:
    free = shutil.disk_usage(flask_app.instance_path).free
    found = [
        Finding(
            free >= MIN_FREE_BYTES,
            f"Disque : {free // 1_000_000} Mo libres dans {flask_app.instance_path}"
            + ("." if free >= MIN_FREE_BYTES else " — libérez de la place."),
        )
    ]
    zone = time.tzname[0]
    found.append(
        Finding(
            True,
            f"Heure du serveur : {now:%d/%m/%Y %H:%M} UTC (fuseau système "
            f"{zone} ; la caisse compte en Europe/Paris).",
        )
    )
    return found


def diagnose(flask_app: Flask, session, now: datetime) -> list[Finding]:
    found = _database(flask_app, session)
    if not found[0].ok:
        return found + _disk_and_clock(flask_app, now)
    from pos.models import JournalEntry

    last = session.scalar(select(JournalEntry.at).order_by(JournalEntry.sequence.desc()).limit(1))
    if last is not None and last > now:
        found.append(
            Finding(
                False,
                "L'horloge du serveur retarde : la dernière écriture du "
                "journal est dans le futur. Réglez l'heure (NTP).",
            )
        )
    for part in (
        _journal(session, now),
        _printers(flask_app, session),
        _scale(session),
        _disk_and_clock(flask_app, now),
    ):
        found.extend(part)
    return found
