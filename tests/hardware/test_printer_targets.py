"""A printer target is a printer: never any file, never any port, never the server itself."""

import html
import socket
import threading

import pytest

from app.settings.services import get_setting
from app.users.roles import Role
from hardware.targets import InvalidPrinterTarget, check_target
from hardware.transport import PrinterConnection, PrinterError, configured_connection, send
from tests.conftest import csrf_token_from, page_text


@pytest.mark.parametrize(
    ("kind", "target", "stored"),
    [
        ("network", "192.168.1.50:9100", "192.168.1.50:9100"),
        ("network", "imprimante-caisse.local:9101", "imprimante-caisse.local:9101"),
        ("network", "10.0.0.7", "10.0.0.7:9100"),
        ("file", "/dev/usb/lp0", "/dev/usb/lp0"),
        ("file", "/dev/ttyUSB1", "/dev/ttyUSB1"),
        ("usb", "04B8:0202", "04b8:0202"),
        ("serial", "/dev/ttyUSB0:19200", "/dev/ttyUSB0:19200"),
        ("cups", "TM-T20_accueil", "TM-T20_accueil"),
        ("simulator", "n'importe quoi", ""),
        ("none", "/etc/passwd", ""),
    ],
)
def test_printer_targets_that_are_printers_are_kept(kind, target, stored, tmp_path):
    assert check_target(kind, target, tmp_path) == stored


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("file", "/etc/passwd"),
        ("file", "/root/.ssh/authorized_keys"),
        ("file", "relative/path"),
        ("file", "/dev/sda"),
        ("network", "127.0.0.1:9100"),
        ("network", "localhost:9100"),
        ("network", "[::1]:9100"),
        ("network", "169.254.169.254:9100"),
        ("network", "192.168.1.50:22"),
        ("network", "192.168.1.50:5432"),
        ("network", "192.168.1.50:99999999999999999999"),
        ("network", "evil host:9100"),
        ("serial", "/etc/passwd:9600"),
        ("serial", "/dev/ttyUSB0:12345"),
        ("usb", "../../x"),
        ("cups", "a b;rm -rf /"),
        ("laser", "x"),
    ],
)
def test_other_targets_are_refused_in_french(kind, target, tmp_path):
    with pytest.raises(InvalidPrinterTarget) as refused:
        check_target(kind, target, tmp_path)
    assert refused.value.message[0].isupper()


def test_a_file_target_stays_inside_its_folder(tmp_path):
    folder = tmp_path / "impressions"
    folder.mkdir()
    assert check_target("file", str(folder / "etiquettes.bin"), folder)
    for escape in (str(folder / ".." / "ailleurs.bin"), str(folder), str(tmp_path / "x.bin")):
        with pytest.raises(InvalidPrinterTarget):
            check_target("file", escape, folder)
    (folder / "lien").symlink_to(tmp_path)
    with pytest.raises(InvalidPrinterTarget):
        check_target("file", str(folder / "lien" / "x.bin"), folder)


def test_a_file_target_stored_before_the_checks_writes_nothing(tmp_path):
    outside = tmp_path / "outside.bin"
    folder = tmp_path / "impressions"
    with pytest.raises(PrinterError):
        send(PrinterConnection("file", str(outside), file_folder=folder), b"\x1b@")
    assert not outside.exists()


def test_the_simulator_kind_prints_to_the_configured_simulator_port():
    received = []
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def accept():
        connection, _ = server.accept()
        with connection:
            received.append(connection.recv(64))

    thread = threading.Thread(target=accept)
    thread.start()
    send(configured_connection("simulator", "", {"PRINTER_SIM_PORT": port}), b"\x1b@ticket")
    thread.join(5)
    server.close()
    assert received == [b"\x1b@ticket"]


def test_jardin_prints_weighed_labels_only_and_configures_no_printer(
    client, make_user, login, session
):
    make_user(Role.JARDIN, username="jules")
    login("jules")
    assert client.get("/etiquettes/pesee").status_code == 200
    for path in (
        "/etiquettes/imprimante",
        "/etiquettes/",
        "/etiquettes/a-reimprimer",
        "/etiquettes/ressourcerie",
        "/pos/admin/caisses",
    ):
        assert client.get(path).status_code == 403, path
    token = csrf_token_from(client.get("/etiquettes/pesee").get_data(as_text=True))
    answer = client.post(
        "/etiquettes/imprimante",
        data={
            "csrf_token": token,
            "kind": "file",
            "target": "/srv/jardin.txt",
            "model": "pos-5890",
        },
    )
    assert answer.status_code == 403
    assert get_setting(session, "labels.printer_target") == ""
    for kind in ("shelf", "sticker", "item", "card"):
        answer = client.post(
            "/etiquettes/imprimer",
            data={"csrf_token": token, "kind": kind, "layout": "3x8", "output": "pdf"},
        )
        assert answer.status_code == 403, kind


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"kind": "file", "target": "/etc/cron.d/evil"}, "Fichier refusé"),
        (
            {"kind": "network", "target": "127.0.0.1:22"},
            "Port d'imprimante réseau : de 9100 à 9109",
        ),
        ({"kind": "network", "target": "127.0.0.1:9100"}, "choisissez le type « Simulateur »"),
    ],
)
def test_encadrant_cannot_point_the_label_printer_anywhere(
    client, make_user, login, session, fields, said
):
    path = "/etiquettes/imprimante"
    make_user(Role.ENCADRANT, username="karim")
    login("karim")
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    answer = client.post(
        path, data={"csrf_token": token, "model": "pos-5890", **fields}, follow_redirects=True
    )
    assert answer.status_code == 200
    assert said in html.unescape(answer.get_data(as_text=True))
    assert get_setting(session, "labels.printer_kind") == "none"


def test_a_till_printer_target_is_checked_at_save(client, make_user, login, session):
    from pos.models import Till

    till = Till(code="C1", name="Caisse 1", is_active=True)
    session.add(till)
    make_user(Role.ENCADRANT, username="karim")
    login("karim")
    token = csrf_token_from(client.get("/pos/admin/caisses").get_data(as_text=True))
    answer = client.post(
        "/pos/admin/caisses",
        data={
            "csrf_token": token,
            "till_id": till.id,
            "printer_kind": "file",
            "printer_target": "/var/lib/caisse/caisse.sqlite3",
            "printer_model": "pos-5890",
        },
        follow_redirects=True,
    )
    assert "Fichier refusé" in page_text(answer)
    assert (till.printer_kind, till.printer_target) == ("none", "")
    client.post(
        "/pos/admin/caisses",
        data={
            "csrf_token": token,
            "till_id": till.id,
            "printer_kind": "simulator",
            "printer_target": "",
            "printer_model": "pos-5890",
        },
    )
    assert (till.printer_kind, till.printer_target) == ("simulator", "")
