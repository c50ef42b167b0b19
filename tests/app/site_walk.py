"""Walk the site as a role would: every page it can reach by links, with the forms on them.

Used by the property-based bad-input test and the authorisation matrix: what a role can click
is what an attacker in that role starts from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

from app.users.roles import Role
from tests.conftest import csrf_token_from

DEMO_LOGINS = {
    Role.ADMIN: ("admin", "admin-demo"),
    Role.ENCADRANT: ("encadrant", "encadrant-demo"),
    Role.REFERENT: ("referent", "referent-demo"),
    Role.JARDIN: ("jardin", "jardin-demo"),
}
DEMO_BADGE = ("0410000000014", "1234")
NEVER_FOLLOW = ("/logout", "/static/", "/pos/static/")


@dataclass
class Form:
    page: str
    action: str
    method: str
    # name -> the values a person could send (the default first; options of a select)
    fields: dict[str, list[str]] = field(default_factory=dict)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[dict, dict[str, list[str]]]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._open: int | None = None  # index of the form being read
        self._by_id: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self.forms.append((attributes, {}))
            self._open = len(self.forms) - 1
            if attributes.get("id"):
                self._by_id[attributes["id"]] = self._open
            return
        owner = self._by_id.get(attributes.get("form", ""), self._open)
        if owner is None:
            return
        fields = self.forms[owner][1]
        name = attributes.get("name")
        if (
            tag == "input"
            and name
            and attributes.get("type") not in ("submit", "button", "image", "reset")
        ):
            fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "button" and name:
            fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            fields[self._select].append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def log_in(client, role: Role | None) -> None:
    """Through the real login forms, with the demo's accounts."""
    if role is None:
        return
    if role == Role.CAISSIER:
        token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
        client.post(
            "/login/badge", data={"badge": DEMO_BADGE[0], "pin": DEMO_BADGE[1], "csrf_token": token}
        )
        return
    username, password = DEMO_LOGINS[role]
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def endpoint_of(app, path: str, method: str = "GET") -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method=method)
    except HTTPException:
        return None
    return endpoint


def crawl(
    app, client, start: str = "/accueil", per_endpoint: int = 2, limit: int = 400
) -> tuple[dict[str, int], list[Form]]:
    """Pages reached from ``start`` by links (at most ``per_endpoint`` URLs of each endpoint):
    their status, and every form on them."""
    seen: dict[str, int] = {}
    per: dict[str, int] = {}
    forms: list[Form] = []
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        endpoint = endpoint_of(app, url) or url
        if per.get(endpoint, 0) >= per_endpoint:
            continue
        per[endpoint] = per.get(endpoint, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _PageParser()
        parser.feed(response.get_data(as_text=True))
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "localhost":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not local.startswith("/") or local.startswith(NEVER_FOLLOW):
                continue
            if local not in seen:
                queue.append(local)
        for attributes, fields in parser.forms:
            action = urljoin(url, attributes.get("action") or url)
            parts = urlsplit(action)
            action = parts.path + (f"?{parts.query}" if parts.query else "")
            method = (attributes.get("method") or "get").upper()
            if action.startswith(NEVER_FOLLOW):
                continue
            forms.append(Form(url, action, method, fields))
            if method == "GET":
                query = "&".join(f"{k}={v[0]}" for k, v in fields.items() if v and v[0])
                queue.append(parts.path + (f"?{query}" if query else ""))
    return seen, forms


def query_fields(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def row_counts(session) -> dict[str, int]:
    """Rows per table, the audit log aside (reads and failed logins are logged on purpose):
    equal before and after a refused request means nothing was half-written."""
    from sqlalchemy import func, literal, select, union_all

    from app.extensions import db

    counts = union_all(
        *(
            select(literal(table.name).label("name"), func.count().label("rows")).select_from(table)
            for table in db.metadata.sorted_tables
            if table.name != "audit_entries"
        )
    )
    return {name: rows for name, rows in session.execute(counts)}  # one round trip
