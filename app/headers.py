"""Headers every answer carries: no framing, no type sniffing, no referrer leaving the site, a
Content-Security-Policy allowing this site's own scripts and styles only (no inline script but
the import map, by its hash: see app/static/js/page.js), and nothing personal kept in a
browser's or a proxy's cache."""

from __future__ import annotations

import base64
import hashlib
import json

from flask import Flask, request

# The one inline script of every page: the import map that lets a module name the site-wide
# modules "caisse/scanner.js" (app/static/js/) wherever it is served from. The policy allows
# exactly this text, by its hash; any other inline script stays refused.
IMPORT_MAP = json.dumps({"imports": {"caisse/": "/static/js/"}}, separators=(",", ":"))
_IMPORT_MAP_HASH = base64.b64encode(hashlib.sha256(IMPORT_MAP.encode()).digest()).decode()

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'sha256-{_IMPORT_MAP_HASH}'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def register_security_headers(flask_app: Flask) -> None:
    @flask_app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        # Households, participants, the till's card answers, exports, the audit log: pages of
        # people. None is kept by the browser (the back button after logout shows nothing) nor
        # by a proxy. Only the static files (scripts, styles) are cached.
        # (The till's catalogue says its own: no-cache with an ETag, nothing personal.)
        if not (request.endpoint or "").endswith("static") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
