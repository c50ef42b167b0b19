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

    @flask_app.cli.command("init")
    @click.option("--admin-name", help="Nom affiché de l'administrateur·rice")
    @click.option("--admin-username", help="Identifiant de connexion")
    @click.option("--admin-password", help="Mot de passe (8 caractères au moins)")
    @click.option("--shop-name", help="Nom de la structure (imprimé sur les tickets)")
    @click.option("--shop-address", default=None, help="Adresse (imprimée sur les tickets)")
    @click.option("--siret", default=None, help="SIRET (14 chiffres), facultatif")
    @click.option(
        "--vat/--no-vat",
        "vat_applicable",
        default=None,
        help="TVA applicable (sinon : franchise en base, art. 293 B du CGI)",
    )
    def init_command(
        admin_name, admin_username, admin_password, shop_name, shop_address, siret, vat_applicable
    ) -> None:
        """Prépare une base vide pour un vrai site : le premier compte admin, la structure,
        les catégories, ateliers et parcelles par défaut, une caisse. Sans données de démo."""
        from app.setup import SiteAlreadyInitialised, SiteSetup, has_users, initialise_site
        from app.users.errors import UserError
        from app.values import InvalidValue

        if has_users(db.session):
            raise click.ClickException(
                "Cette base a déjà des comptes : rien n'a été changé "
                "(caisse init ne sert qu'une fois, sur une base vide)."
            )
        setup = SiteSetup(
            admin_name=admin_name or click.prompt("Nom de l'administrateur·rice"),
            admin_username=admin_username or click.prompt("Identifiant de connexion"),
            admin_password=admin_password
            or click.prompt(
                "Mot de passe (8 caractères au moins)",
                hide_input=True,
                confirmation_prompt="Le même mot de passe, encore une fois",
            ),
            shop_name=shop_name or click.prompt("Nom de la structure"),
            shop_address=shop_address
            if shop_address is not None
            else click.prompt("Adresse", default="", show_default=False),
            siret=siret
            if siret is not None
            else click.prompt("SIRET (14 chiffres, facultatif)", default="", show_default=False),
            vat_exempt=not (
                vat_applicable
                if vat_applicable is not None
                else click.confirm(
                    "La structure facture-t-elle la TVA ? (non : art. 293 B du CGI)", default=False
                )
            ),
        )
        try:
            report = initialise_site(db.session, utcnow(), setup)
        except SiteAlreadyInitialised:
            db.session.rollback()
            raise click.ClickException(
                "Cette base a déjà des comptes : rien n'a été changé."
            ) from None
        except (UserError, InvalidValue) as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        for line in report:
            click.echo(line)

    @flask_app.cli.command("doctor")
    def doctor_command() -> None:
        """Vérifie ce qui empêcherait de vendre : base, schéma, journal, imprimantes, balance,
        disque, horloge."""
        from app.doctor import diagnose

        findings = diagnose(flask_app, db.session, utcnow())
        for finding in findings:
            click.echo(finding.line())
        problems = sum(not finding.ok for finding in findings)
        click.echo(f"{problems} problème(s)." if problems else "Tout est en ordre.")
        if problems:
            raise SystemExit(1)

    @flask_app.cli.command("demo")
    def demo_command() -> None:
        """Charge les données de démonstration (base vide uniquement)."""
        from app.demo import DemoAlreadyLoaded, load_demo_data

        try:
            report = load_demo_data(db.session, utcnow())
        except DemoAlreadyLoaded:
            db.session.rollback()
            click.echo(
                "La base contient déjà des comptes : données de démonstration non rechargées."
            )
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
        from app.logs import configure_file_logging

        application_log, access_log = configure_file_logging(flask_app)
        click.echo(f"Journaux : {application_log} (application) et {access_log} (accès)")
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

    from pos.journal.events import startup_checks
    from pos.journal.head import configured_marker
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
