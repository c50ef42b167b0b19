"""``caisse journal …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.clock import shop_date, utcnow
from app.extensions import db
from app.sites.models import FIRST_SITE_ID
from pos.journal.archive import (
    ArchiveRefused,
    archive_filename,
    build_archive,
    verify_archive,
)
from pos.journal.closures import close_every_site
from pos.journal.events import software_version, verify_and_record

journal_cli = AppGroup("journal", help="Journal inaltérable des ventes.")


@journal_cli.command("verify")
@click.option(
    "--archive",
    "archive_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Vérifie un fichier d'archive (sans base de données) au lieu du journal.",
)
@click.option(
    "--site",
    "site_code",
    default=None,
    help="Code du site dont vérifier la chaîne (par défaut : la chaîne de chaque site).",
)
def verify_command(archive_path: Path | None, site_code: str | None) -> None:
    """Recalcule la chaîne et compare chaque ticket à la base ; nomme la première anomalie."""
    if archive_path is not None:
        if not archive_path.is_file():
            raise click.ClickException(f"Fichier introuvable : {archive_path}")
        result = verify_archive(archive_path.read_bytes())
    else:
        site_id = None
        if site_code is not None:
            from app.sites.services import SiteRefused, site_by_code

            try:
                site_id = site_by_code(db.session, site_code).id
            except SiteRefused as refused:
                raise click.ClickException(refused.message) from None
        result = verify_and_record(db.session, utcnow(), site_id)
    click.echo(result.message)
    if not result.ok:
        raise SystemExit(1)


@journal_cli.command("close")
def close_command() -> None:
    """Clôture (Z) les jours passés non clôturés, puis les mois et années finis."""
    now = utcnow()
    count = close_every_site(db.session, shop_date(now), now)
    db.session.commit()
    click.echo(f"{count} journée(s) clôturée(s).")


@journal_cli.command("archive")
@click.option("--period", required=True, help="Mois clôturé, AAAA-MM (ex. 2026-11)")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Fichier ou dossier (par défaut : journal-AAAA-MM.zip ici)",
)
def archive_command(period: str, output: Path | None) -> None:
    """Exporte un mois clôturé dans une archive vérifiable ailleurs (zip + manifeste)."""
    from app.settings.core import SHOP_NAME

    try:
        data = build_archive(
            db.session,
            period,
            utcnow(),
            software_version(),
            SHOP_NAME.get(db.session),
            site_id=FIRST_SITE_ID,
        )
    except ArchiveRefused as refused:
        raise click.ClickException(refused.message) from None
    target = output or Path(archive_filename(period))
    if target.is_dir():
        target = target / archive_filename(period)
    target.write_bytes(data)
    db.session.commit()  # the export is journaled once the file is written
    click.echo(
        f"Archive écrite : {target} ({len(data)} octets). Vérifiez-la avec "
        f"« caisse journal verify --archive {target} »."
    )


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier des sauvegardes (par défaut : instance/sauvegardes).",
)
def backup_command(folder: Path | None) -> None:
    """Copie cohérente de la base (et ce qu'elle contient : tête du journal, empreinte)."""
    from flask import current_app

    from app.backup import BackupError, backup_database

    folder = folder or Path(current_app.instance_path) / "sauvegardes"
    try:
        backup = backup_database(db.engine, folder, utcnow())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    journal = backup.manifest["journal"]
    click.echo(f"Sauvegarde : {backup.path} (journal jusqu'à l'écriture n° {journal['sequence']}).")


@click.command("restore")
@with_appcontext
@click.argument("backup_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def restore_command(backup_path: Path, yes: bool) -> None:
    """Remet une sauvegarde à la place de la base (serveur arrêté) ; la restauration est
    inscrite au journal."""
    from flask import current_app
    from sqlalchemy import select

    from app.backup import BackupError, hold_serve_lock, read_backup, restore_database
    from pos.models import JournalHead

    try:
        serve_lock = hold_serve_lock(current_app.instance_path)
    except BackupError:
        raise click.ClickException(
            "Le serveur tourne : arrêtez « caisse serve » avant de restaurer."
        ) from None
    try:
        backup = read_backup(backup_path)
        before = dict(
            db.session.execute(select(JournalHead.site_id, JournalHead.last_sequence)).all()
        )
        db.session.remove()
        # Every site's chain (a copy made before sites: the first site's only).
        saved = backup.manifest.get("journals") or {str(FIRST_SITE_ID): backup.manifest["journal"]}
        if not yes:
            first = saved.get(str(FIRST_SITE_ID), {}).get("sequence")
            click.confirm(
                f"Remplacer la base (journal à l'écriture n° {before.get(FIRST_SITE_ID)}) par "
                f"la sauvegarde du {backup.manifest['created_at'][:16]} (écriture n° {first}"
                f"{f', {len(saved)} sites' if len(saved) > 1 else ''}) ?",
                abort=True,
            )
        restore_database(db.engine, backup)
        _journal_the_restore(backup, saved, before)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        serve_lock.close()
    click.echo(
        f"Base restaurée depuis {backup.path.name} ; la restauration est inscrite au journal."
    )


def _journal_the_restore(backup, saved: dict[str, dict], before: dict[int, int]) -> None:
    """In each site's chain of the restored database: the restore (from which copy, its head,
    the head before), and each site's head marker set to it (no second detection)."""
    from sqlalchemy import select

    from pos.journal.chain import append_entry
    from pos.journal.head import configured_marker
    from pos.models import JournalHead

    now = utcnow()
    sites = db.session.scalars(select(JournalHead.site_id).order_by(JournalHead.site_id)).all()
    for site_id in sites:
        head = saved.get(str(site_id), {})
        append_entry(
            db.session,
            "restore",
            now,
            {
                "from_backup": backup.path.name,
                "backup_created_at": backup.manifest["created_at"],
                "backup_head_sequence": head.get("sequence"),
                "backup_head_hash": head.get("hash"),
                "head_sequence_before_restore": before.get(site_id),
            },
            site_id=site_id,
        )
    db.session.commit()
    marker = configured_marker()
    if marker is None:
        return
    for site_id, sequence, digest in db.session.execute(
        select(JournalHead.site_id, JournalHead.last_sequence, JournalHead.last_hash)
    ):
        first = saved.get(str(site_id), {}).get("first_hash")
        marker.for_site(site_id).write(sequence, digest, first, force=True)


def register(flask_app: Flask) -> None:
    flask_app.cli.add_command(journal_cli)
    flask_app.cli.add_command(backup_command)
    flask_app.cli.add_command(restore_command)
