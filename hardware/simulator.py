"""A network receipt printer that speaks port 9100: keeps each job's bytes and its text."""

from __future__ import annotations

import logging
import socketserver
import threading
from dataclasses import dataclass
from pathlib import Path

from hardware.escpos_text import escpos_to_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintedJob:
    number: int
    data: bytes

    @property
    def text(self) -> str:
        return escpos_to_text(self.data)


class PrinterSimulator:
    """``with PrinterSimulator() as printer: …`` — ``printer.port``, ``printer.jobs``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, folder: Path | None = None):
        self.jobs: list[PrintedJob] = []
        self.folder = folder
        self._lock = threading.Lock()
        simulator = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                chunks = []
                self.request.settimeout(5)
                while True:
                    try:
                        chunk = self.request.recv(65536)
                    except TimeoutError:
                        break
                    if not chunk:
                        break
                    chunks.append(chunk)
                simulator._store(b"".join(chunks))

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread: threading.Thread | None = None

    def _store(self, data: bytes) -> None:
        if not data:
            return
        with self._lock:
            job = PrintedJob(len(self.jobs) + 1, data)
            self.jobs.append(job)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"ticket-{job.number:05d}.bin").write_bytes(data)
            (self.folder / f"ticket-{job.number:05d}.txt").write_text(job.text, encoding="utf-8")
        logger.info("printer simulator: job %d, %d bytes", job.number, len(data))

    def start(self) -> PrinterSimulator:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
