"""Redirect targets taken from the request stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site (``/stock/…``), else ``default``."""
    if (
        not target
        or any(ord(c) < 32 or ord(c) == 127 or c.isspace() for c in target)
        or len(target) > 2000
    ):
        return default
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and not parts.scheme
        and "\\" not in target
    ):
        return target
    return default
