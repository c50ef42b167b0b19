"""``caisse journal …`` commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from pos.services.journal import verify_journal

journal_cli = AppGroup("journal", help="Journal inaltérable des ventes.")


@journal_cli.command("verify")
def verify_command() -> None:
    """Recalcule la chaîne et compare chaque ticket à la base ; nomme la première anomalie."""
    result = verify_journal(db.session)
    click.echo(result.message)
    if not result.ok:
        raise SystemExit(1)


@journal_cli.command("close")
def close_command() -> None:
    """Clôture (Z) les jours passés non clôturés, puis les mois et années finis."""
    from app.clock import shop_date, utcnow
    from pos.services.journal import close_pending_periods

    now = utcnow()
    count = close_pending_periods(db.session, shop_date(now), now)
    db.session.commit()
    click.echo(f"{count} journée(s) clôturée(s).")


def register(flask_app: Flask) -> None:
    flask_app.cli.add_command(journal_cli)
