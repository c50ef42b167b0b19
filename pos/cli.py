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


def register(flask_app: Flask) -> None:
    flask_app.cli.add_command(journal_cli)
