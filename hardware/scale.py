"""Serial scales speaking the Toledo 8217 protocol (as Odoo's IoT driver does), and a manual
fallback. 9600 baud, 7 data bits, even parity, 1 stop bit; send ``W``; the scale answers
``STX`` + weight in kg (``" 1.234"``) + ``CR``, or ``STX ?`` + a status byte + ``CR`` when it
cannot give a weight: bit 0 in motion, bit 1 over capacity, bit 2 under zero."""

from __future__ import annotations

import re
from dataclasses import dataclass

import serial

# "\x02 1.250\r", or "\x02 1.250N\r" when a tare is set (N: the net weight, which is what
# is sold).
WEIGHT_FRAME = re.compile(rb"^\x02\s*([0-9]+)\.([0-9]{1,3})N?\r$")
STATUS_FRAME = re.compile(rb"^\x02\?(.)\r$", re.S)
IN_MOTION, OVER_CAPACITY, UNDER_ZERO = 0x01, 0x02, 0x04


class ScaleError(Exception):
    """A reading that must not be used, with a French message for the person weighing."""


@dataclass(frozen=True)
class ScaleSettings:
    port: str  # "/dev/ttyUSB0", or a pyserial URL such as "loop://"
    timeout_seconds: float = 2.0


def open_scale_port(settings: ScaleSettings):
    return serial.serial_for_url(
        settings.port,
        baudrate=9600,
        bytesize=serial.SEVENBITS,
        parity=serial.PARITY_EVEN,
        stopbits=serial.STOPBITS_ONE,
        timeout=settings.timeout_seconds,
    )


def parse_frame(frame: bytes) -> int:
    """A scale answer → grams, or ``ScaleError`` for motion, overload, under zero, garbage."""
    weight = WEIGHT_FRAME.match(frame)
    if weight:
        return int(weight[1]) * 1000 + int(weight[2].ljust(3, b"0"))
    status = STATUS_FRAME.match(frame)
    if status:
        flags = status[1][0]
        if flags & OVER_CAPACITY:
            raise ScaleError("Balance en surcharge : retirez une partie de la marchandise.")
        if flags & UNDER_ZERO:
            raise ScaleError("Balance sous zéro : videz le plateau et remettez-la à zéro.")
        if flags & IN_MOTION:
            raise ScaleError("Poids instable : attendez que le plateau ne bouge plus.")
    raise ScaleError("Réponse illisible de la balance : vérifiez le câble, ou tapez le poids.")


def read_weight(port) -> int:
    """Ask the scale once; grams if the reading is stable and within range."""
    port.reset_input_buffer()
    port.write(b"W")
    frame = port.read_until(b"\r")
    if not frame:
        raise ScaleError("La balance ne répond pas : tapez le poids à la main.")
    return parse_frame(frame)


class ScaleSimulator:
    """Answers ``W`` on the other end of a pty like a Toledo 8217 would (demo and tests)."""

    def __init__(self) -> None:
        import os
        import pty
        import threading

        self.master, slave = pty.openpty()
        self.port_name = os.ttyname(slave)
        self._slave = slave
        self.next_frame = b"\x02 1.234\r"
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import os
        import select

        while self._running:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    request = os.read(self.master, 64)
                except OSError:
                    return
                if b"W" in request:
                    os.write(self.master, self.next_frame)

    def close(self) -> None:
        import os

        self._running = False
        self._thread.join(timeout=1)
        os.close(self.master)
        os.close(self._slave)
