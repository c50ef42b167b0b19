"""`caisse doctor` says in French what would stop the site from selling."""

from app.settings.services import set_setting
from pos.models import Till


def test_doctor_finds_a_bad_printer_and_a_missing_scale_then_all_is_well(app, session, now):
    till = Till(
        code="C1",
        name="Caisse 1",
        is_active=True,
        printer_kind="file",
        printer_target="/etc/passwd",
    )
    session.add(till)
    set_setting(session, "hardware.scale_port", "/dev/ttyUSB9", now)
    session.commit()
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "PROBLÈME  Caisse 1 : imprimante mal réglée — Fichier refusé" in result.output
    assert "PROBLÈME  Balance : /dev/ttyUSB9 n'existe pas" in result.output
    assert "OK        Schéma à jour" in result.output
    assert "OK        Journal des ventes intègre." in result.output
    # The tests connect to PostgreSQL as its superuser: row-level security does not hold.
    superuser = session.get_bind().dialect.name == "postgresql"
    assert ("PROBLÈME  Connexion PostgreSQL en super-utilisateur" in result.output) == superuser
    assert f"{2 + superuser} problème(s)." in result.output

    till.printer_kind, till.printer_target = "none", ""
    set_setting(session, "hardware.scale_port", "", now)
    session.commit()
    result = app.test_cli_runner().invoke(args=["doctor"])
    if superuser:
        assert result.exit_code == 1 and "1 problème(s)." in result.output, result.output
        return
    assert result.exit_code == 0, result.output
    assert "Tout est en ordre." in result.output
