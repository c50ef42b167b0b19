"""Sending bytes to a receipt printer: network (port 9100), file or device, USB, serial, CUPS.

Every send has a timeout; device errors are turned into ``PrinterError`` here, at the boundary,
with a state the till can show: ``offline`` (cannot reach it) or ``failing`` (it answered badly).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from hardware.targets import DEFAULT_SIMULATOR_PORT, file_target_allowed


class PrinterError(Exception):
    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state = state  # "offline" or "failing"
        self.message = message


@dataclass(frozen=True)
class PrinterConnection:
    kind: str  # "network", "file", "usb", "serial", "cups", "simulator" or "none"
    target: str  # "192.168.1.50:9100", "/dev/usb/lp0", "04b8:0202", "/dev/ttyUSB0:19200", name
    timeout_seconds: float = 5.0
    file_folder: Path | None = None  # where a "file" printer may write (besides /dev devices)
    simulator_port: int = DEFAULT_SIMULATOR_PORT


def configured_connection(kind: str, target: str, config, timeout_seconds: float = 5.0):
    """A connection with the site's limits (``PRINTER_FILE_FOLDER``, ``PRINTER_SIM_PORT``)."""
    folder = config.get("PRINTER_FILE_FOLDER")
    return PrinterConnection(
        kind,
        target,
        timeout_seconds,
        Path(folder) if folder else None,
        int(config.get("PRINTER_SIM_PORT") or DEFAULT_SIMULATOR_PORT),
    )


def send(connection: PrinterConnection, data: bytes) -> None:
    try:
        if connection.kind == "network":
            _send_network(connection, data)
        elif connection.kind == "simulator":
            _send_network(
                PrinterConnection(
                    "network", f"127.0.0.1:{connection.simulator_port}", connection.timeout_seconds
                ),
                data,
            )
        elif connection.kind == "file":
            # Checked again here: a target stored before the checks existed writes nowhere.
            if not file_target_allowed(connection.target, connection.file_folder):
                raise PrinterError(
                    "failing", "Fichier d'imprimante refusé : réglez de nouveau l'imprimante."
                )
            with Path(connection.target).open("ab") as device:
                device.write(data)
        elif connection.kind in ("usb", "serial", "cups"):
            _send_escpos_device(connection, data)
        else:
            raise PrinterError("offline", "Aucune imprimante n'est configurée pour cette caisse.")
    except PrinterError:
        raise
    except (ConnectionRefusedError, TimeoutError, OSError) as error:
        raise PrinterError("offline", f"Imprimante injoignable : {error}") from error
    except Exception as error:
        raise PrinterError("failing", f"Erreur de l'imprimante : {error}") from error


def _send_network(connection: PrinterConnection, data: bytes) -> None:
    host, _, port = connection.target.rpartition(":")
    with socket.create_connection(
        (host or connection.target, int(port or 9100)), timeout=connection.timeout_seconds
    ) as link:
        link.settimeout(connection.timeout_seconds)
        link.sendall(data)


def _send_escpos_device(connection: PrinterConnection, data: bytes) -> None:
    from escpos import printer as escpos_printer

    if connection.kind == "usb":
        vendor, product = (int(part, 16) for part in connection.target.split(":"))
        device = escpos_printer.Usb(vendor, product, timeout=int(connection.timeout_seconds * 1000))
    elif connection.kind == "serial":
        path, _, baud = connection.target.partition(":")
        device = escpos_printer.Serial(
            devfile=path, baudrate=int(baud or 9600), timeout=connection.timeout_seconds
        )
    else:
        device = escpos_printer.CupsPrinter(printer_name=connection.target)
    try:
        device.open()
        device._raw(data)
    finally:
        device.close()


def printer_online(connection: PrinterConnection) -> bool:
    """Best effort: a network printer that accepts a connection is online."""
    if connection.kind not in ("network", "simulator"):
        return connection.kind != "none"
    target = (
        connection.target
        if connection.kind == "network"
        else f"127.0.0.1:{connection.simulator_port}"
    )
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host, int(port or 9100)), timeout=1):
            return True
    except OSError:
        return False
