"""The ``caisse`` command: Flask's CLI around ``create_app`` plus our own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from app.clock import utcnow
from app.extensions import db


def register_commands(flask_app: Flask) -> None:
    from inventory.cli import register as register_stock_commands
    from pos.cli import register as register_journal_commands

    register_serve_command(flask_app)
    register_stock_commands(flask_app)
    register_journal_commands(flask_app)

    @flask_app.cli.command("demo")
    def demo_command() -> None:
        """Charge les données de démonstration (base vide uniquement)."""
        from app.demo import DemoAlreadyLoaded, load_demo_data

        try:
            report = load_demo_data(db.session, utcnow())
        except DemoAlreadyLoaded:
            db.session.rollback()
            click.echo("La base contient déjà des comptes : données de démonstration non "
                       "rechargées.")
            return
        db.session.commit()
        for line in report:
            click.echo(line)


def register_serve_command(flask_app: Flask) -> None:
    @flask_app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--threads", default=8, show_default=True, type=int)
    def serve_command(host: str, port: int, threads: int) -> None:
        """Sert l'application (serveur waitress, pour la boutique)."""
        from app.backup import BackupError, hold_serve_lock

        try:  # held until the server stops: « caisse restore » refuses meanwhile
            serve_lock = hold_serve_lock(flask_app.instance_path)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        try:
            _start_and_serve(flask_app, host, port, threads)
        finally:
            serve_lock.close()

    @flask_app.cli.command("print-worker")
    def print_worker_command() -> None:
        """Envoie les impressions en attente (en plus de celui de « serve »)."""
        import threading

        from pos.worker import run_forever

        click.echo("Envoi des impressions en attente… (Ctrl+C pour arrêter)")
        run_forever(flask_app, threading.Event())

    @flask_app.cli.command("serial-scanner")
    @click.option("--till", "till_code", required=True, help="Code de la caisse (ex. C1)")
    @click.option("--port", required=True, help="/dev/ttyACM0, ou une URL pyserial")
    @click.option("--baud", default=9600, show_default=True, type=int)
    def serial_scanner_command(till_code: str, port: str, baud: int) -> None:
        """Relaie une douchette série vers la page de sa caisse."""
        import serial

        from hardware.scanner import forward_scans
        from pos.services.scans import record_scan

        device = serial.serial_for_url(port, baudrate=baud, timeout=1)
        click.echo(f"Douchette {port} → caisse {till_code} (Ctrl+C pour arrêter)")
        forward_scans(device, lambda code: record_scan(till_code, code))

    @flask_app.cli.command("printer-sim")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=9100, show_default=True, type=int)
    @click.option("--folder", default="instance/tickets", show_default=True)
    def printer_sim_command(host: str, port: int, folder: str) -> None:
        """Imprimante simulée (port 9100) : garde chaque ticket (.bin et .txt)."""
        from pathlib import Path

        from hardware.simulator import PrinterSimulator

        simulator = PrinterSimulator(host, port, Path(folder))
        click.echo(f"Imprimante simulée sur {host}:{simulator.port}, tickets dans {folder}/")
        simulator.serve_forever()


def _create_app(*args, **kwargs) -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Caisse Solidaire : caisse, stock et ateliers d'un CCAS."""


def _start_and_serve(flask_app: Flask, host: str, port: int, threads: int) -> None:
    """The checks of a start (journaled), the print worker, then the shop's web server."""
    from waitress import serve

    from pos.services.journal import startup_checks
    from pos.services.journal_head import configured_marker
    from pos.worker import start_in_background

    try:  # a new software version or a restore is journaled: the first write
        lines = startup_checks(db.session, configured_marker(), utcnow())
    except OperationalError as error:
        raise click.ClickException(
            "La base ne peut pas être écrite (lecture seule, disque plein ou base "
            f"injoignable) : la caisse ne pourrait rien enregistrer. Détail : {error.orig}"
        ) from None
    for line in lines:
        click.echo(line)
    start_in_background(flask_app)  # receipts and drawer kicks go out after each commit
    click.echo(f"Caisse Solidaire : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    serve(flask_app, host=host, port=port, threads=threads)
