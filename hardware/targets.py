"""Where a printer may be: checked when a target is saved, and again before any byte is sent.

A printer target used to be free text: a file target appended to any path the server could
write, a network target connected anywhere (a port scanner). Now:

- ``file``: a printer device (``/dev/usb/lp0``, ``/dev/ttyUSB0``…) or a file inside the folder
  the configuration sets (``PRINTER_FILE_FOLDER``), after resolving ``..`` and links;
- ``network``: ``host:port`` with a printer port (9100–9109, raw/JetDirect), never the server
  itself nor a link-local address (the simulator is its own kind);
- ``usb``: ``vendor:product`` in hexadecimal; ``serial``: a tty device with an optional speed;
  ``cups``: a queue name;
- ``simulator``: the printer simulator on this machine (``caisse printer-sim``), at the port
  ``PRINTER_SIM_PORT`` (environment ``CAISSE_PRINTER_SIM_PORT``).
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

KINDS = (
    ("none", "Aucune"),
    ("network", "Réseau (port 9100)"),
    ("usb", "USB"),
    ("serial", "Série"),
    ("file", "Fichier ou périphérique"),
    ("cups", "CUPS"),
    ("simulator", "Simulateur (démonstration, formation)"),
)
PRINTER_PORTS = range(9100, 9110)
SERIAL_SPEEDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
DEFAULT_SIMULATOR_PORT = 9100
_DEVICE = re.compile(r"^/dev/(usb/lp\d{1,2}|lp\d{1,2}|ttyUSB\d{1,2}|ttyACM\d{1,2}|ttyS\d{1,2})$")
_SERIAL = re.compile(r"^(/dev/(?:ttyUSB|ttyACM|ttyS)\d{1,2})(?::(\d{3,6}))?$")
_USB = re.compile(r"^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$")
_CUPS = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_HOST = re.compile(
    r"^(?=.{1,100}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$"
)


class InvalidPrinterTarget(ValueError):
    """Raised with a French message naming what is expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_target_allowed(target: str, file_folder: Path | None) -> bool:
    """A printer device, or a file inside ``file_folder`` once links and ``..`` are resolved."""
    if _DEVICE.match(target):
        return True
    if file_folder is None or not target.startswith("/"):
        return False
    real = Path(os.path.realpath(target))
    folder = Path(os.path.realpath(file_folder))
    return real != folder and folder in real.parents


def _network_target(target: str) -> str:
    host, separator, port_text = target.rpartition(":")
    if not separator:
        host, port_text = target, "9100"
    if not port_text.isascii() or not port_text.isdigit() or int(port_text) not in PRINTER_PORTS:
        raise InvalidPrinterTarget(
            "Port d'imprimante réseau : de 9100 à 9109 (exemple : 192.168.1.50:9100)."
        )
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if (
            not _HOST.match(host)
            or host.lower() == "localhost"
            or host.lower().endswith(".localhost")
        ):
            raise InvalidPrinterTarget(
                "Adresse d'imprimante réseau invalide : une adresse IP "
                "ou un nom de machine du réseau (exemple : "
                "192.168.1.50:9100)."
            ) from None
    else:
        if (
            address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_unspecified
            or address.is_reserved
        ):
            raise InvalidPrinterTarget(
                "Cette adresse n'est pas celle d'une imprimante du "
                "réseau. Pour le simulateur, choisissez le type "
                "« Simulateur »."
            )
    return f"{host}:{int(port_text)}"


def check_target(kind: str, target: str, file_folder: Path | None) -> str:
    """The target to store for ``kind``, normalised; ``InvalidPrinterTarget`` otherwise."""
    target = (target or "").strip()
    if kind not in dict(KINDS):
        raise InvalidPrinterTarget("Type d'imprimante inconnu.")
    if kind in ("none", "simulator"):
        return ""
    if not target or len(target) > 120:
        raise InvalidPrinterTarget("Indiquez où est l'imprimante (120 caractères au plus).")
    if kind == "network":
        return _network_target(target)
    if kind == "file":
        if not file_target_allowed(target, file_folder):
            raise InvalidPrinterTarget(
                "Fichier refusé : un périphérique d'imprimante (/dev/usb/lp0, /dev/ttyUSB0…) "
                f"ou un fichier du dossier {file_folder or '(aucun dossier configuré)'}."
            )
        return target
    if kind == "usb":
        if not _USB.match(target):
            raise InvalidPrinterTarget(
                "Imprimante USB : identifiants fabricant:produit en "
                "hexadécimal (exemple : 04b8:0202)."
            )
        return target.lower()
    if kind == "serial":
        match = _SERIAL.match(target)
        if not match or (match[2] and int(match[2]) not in SERIAL_SPEEDS):
            raise InvalidPrinterTarget(
                "Imprimante série : /dev/ttyUSB0 ou /dev/ttyS0, avec "
                "sa vitesse si besoin (exemple : /dev/ttyUSB0:19200)."
            )
        return target
    if not _CUPS.match(target):
        raise InvalidPrinterTarget("Nom de file CUPS : lettres, chiffres, « . », « _ » ou « - ».")
    return target


def check_printer(kind: str, target: str, model: str, config) -> str:
    """A printer chosen on a settings page (a till's, the label printer): its model is known
    and its target checked against the site's limits; the target to store."""
    from hardware.models import MODELS

    if model not in MODELS:
        raise InvalidPrinterTarget("Modèle d'imprimante inconnu.")
    folder = config.get("PRINTER_FILE_FOLDER")
    return check_target(kind, target, Path(folder) if folder else None)
