"""``caisse journal …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.clock import shop_date, utcnow
from app.extensions import db
from pos.services.journal import close_pending_periods, software_version, verify_and_record
from pos.services.journal_archive import (
    ArchiveRefused,
    archive_filename,
    build_archive,
    verify_archive,
)

journal_cli = AppGroup("journal", help="Journal inaltérable des ventes.")


@journal_cli.command("verify")
@click.option("--archive", "archive_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Vérifie un fichier d'archive (sans base de données) au lieu du journal.")
def verify_command(archive_path: Path | None) -> None:
    """Recalcule la chaîne et compare chaque ticket à la base ; nomme la première anomalie."""
    if archive_path is not None:
        if not archive_path.is_file():
            raise click.ClickException(f"Fichier introuvable : {archive_path}")
        result = verify_archive(archive_path.read_bytes())
    else:
        result = verify_and_record(db.session, utcnow())
    click.echo(result.message)
    if not result.ok:
        raise SystemExit(1)


@journal_cli.command("close")
def close_command() -> None:
    """Clôture (Z) les jours passés non clôturés, puis les mois et années finis."""
    now = utcnow()
    count = close_pending_periods(db.session, shop_date(now), now)
    db.session.commit()
    click.echo(f"{count} journée(s) clôturée(s).")


@journal_cli.command("archive")
@click.option("--period", required=True, help="Mois clôturé, AAAA-MM (ex. 2026-11)")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Fichier ou dossier (par défaut : journal-AAAA-MM.zip ici)")
def archive_command(period: str, output: Path | None) -> None:
    """Exporte un mois clôturé dans une archive vérifiable ailleurs (zip + manifeste)."""
    from app.settings.services import get_setting

    try:
        data = build_archive(db.session, period, utcnow(), software_version(),
                             get_setting(db.session, "shop.name"))
    except ArchiveRefused as refused:
        raise click.ClickException(refused.message) from None
    target = output or Path(archive_filename(period))
    if target.is_dir():
        target = target / archive_filename(period)
    target.write_bytes(data)
    db.session.commit()  # the export is journaled once the file is written
    click.echo(f"Archive écrite : {target} ({len(data)} octets). Vérifiez-la avec "
               f"« caisse journal verify --archive {target} ».")


def register(flask_app: Flask) -> None:
    flask_app.cli.add_command(journal_cli)

