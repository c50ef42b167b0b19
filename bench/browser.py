"""What the benches speak HTTP with: the shop's own server (waitress, as ``caisse serve`` runs
it, in its own process) and a client that behaves like the browser on the till (one kept-alive
connection, its cookies, the CSRF header), so a figure measures the product, not a test
client's connection set-up.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import re
import socket
import urllib.parse

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class _ServerProcess:
    def __init__(self, process) -> None:
        self.process = process

    def close(self) -> None:
        self.process.terminate()
        self.process.join(5)


def _serve(flask_app, sock: socket.socket, threads: int, connections: int) -> None:
    from waitress import serve

    serve(flask_app, sockets=[sock], threads=threads, connection_limit=connections, _quiet=True)


def serve_in_background(
    flask_app, threads: int = 4, connections: int = 100
) -> tuple[str, _ServerProcess]:
    """The application behind waitress (as ``caisse serve`` runs it) in its own process, as in
    the shop: the client does not share the server's interpreter. (base URL, server).
    ``connections``: the clients kept alive at once (browsers straight on waitress, no proxy
    in front to share its connections)."""
    from app.extensions import db

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    with flask_app.app_context():
        db.engine.dispose()  # no connection crosses the fork
    process = multiprocessing.get_context("fork").Process(
        target=_serve, args=(flask_app, sock, threads, connections), daemon=True
    )
    process.start()
    port = sock.getsockname()[1]
    sock.close()  # the server process holds its own copy
    return f"http://127.0.0.1:{port}", _ServerProcess(process)


class Browser:
    """One kept-alive connection with its cookie jar, as a browser tab."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        status, text = self.request("GET", path)
        found = TOKEN.search(text)
        if found:
            self.token = found.group(1)
        return status, text

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_json(self, path: str, payload: dict) -> tuple[int, dict]:
        status, text = self.request(
            "POST",
            path,
            json.dumps(payload).encode(),
            {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.token,
            },
        )
        return status, json.loads(text or "{}")
