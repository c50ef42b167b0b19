"""``caisse stock …`` commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from inventory.services.ledger import ledger_discrepancies

stock_cli = AppGroup("stock", help="Stock : vérifications.")


@stock_cli.command("verify")
def verify_command() -> None:
    """Vérifie que le reste de chaque lot égale la somme de ses mouvements."""
    problems = ledger_discrepancies(db.session)
    if not problems:
        click.echo("Stock cohérent : chaque lot égale la somme de ses mouvements.")
        return
    for lot_id, cached, ledger in problems:
        click.echo(f"Lot {lot_id} : reste {cached}, mouvements {ledger}")
    raise SystemExit(1)


def register(flask_app: Flask) -> None:
    flask_app.cli.add_command(stock_cli)
