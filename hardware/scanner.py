"""Serial barcode scanners: one code per line (CR, LF or both)."""

from __future__ import annotations

from collections.abc import Callable, Iterator


def scanned_codes(port) -> Iterator[str]:
    """Yield each code the scanner sends; blank lines and stray bytes are skipped."""
    while True:
        line = port.read_until(b"\r")
        if not line:
            continue  # timeout: keep listening
        code = line.replace(b"\n", b"").replace(b"\r", b"").decode("ascii", "ignore").strip()
        if code:
            yield code


def forward_scans(port, on_scan: Callable[[str], None], limit: int | None = None) -> int:
    """Pass each scan to ``on_scan`` (the till's queue); ``limit`` stops after that many."""
    count = 0
    for code in scanned_codes(port):
        on_scan(code)
        count += 1
        if limit is not None and count >= limit:
            break
    return count
