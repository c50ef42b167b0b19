"""Bad input never gives a 5xx nor a partial write, as any role, on any page it can reach.

The demo shop is loaded; each role walks the site by links (tests/app/site_walk.py); hypothesis
then posts generated values — the original ones, numbers out of range, non-ASCII digits,
impossible dates, huge or invisible text, formulas — to every field of every form it found, and
to every query parameter the pages read.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo import load_demo_data
from app.users.roles import Role, role_allows
from app.values import BoundedParameters
from tests.app.site_walk import Form, crawl, endpoint_of, log_in
from tests.app.site_walk import row_counts as _row_counts
from tests.conftest import csrf_token_from

NASTY = [
    "",
    " ",
    "²",
    "٣",
    "-1",
    "0",
    "00",
    "1e9",
    "9" * 25,
    str(2**63),
    "-99999999999",
    "1,5",
    "12.50",
    "abc",
    "0001-01-01",
    "9999-12-31",
    "99999",
    "2026-02-30",
    "1970-01-01",
    "x" * 5000,
    "\u202egnp.exe",
    "a\u200bb",
    '=HYPERLINK("http://x")',
    "+33 6",
    "@SUM(1)",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\r\nSet-Cookie: x=1",
    "../../etc/passwd",
    "🙂",
    "NaN",
    "inf",
    "-0",
    " 12 ",
    "1 250",
    "0x10",
    "１２",
]
EXAMPLES = int(os.environ.get("CAISSE_FUZZ_EXAMPLES", "6"))
# Forms that end the walk (logging out) or would lock the walker out are posted elsewhere.
SKIPPED_ACTIONS = ("/logout",)
# A failed login is written down on purpose (the account's and the address's failures).
WRITES_WHEN_REFUSED = ("users.login", "users.badge_login")


class _Recording(BoundedParameters):
    """The query parameters each page reads, so the walk knows what to fuzz."""

    read: set[str] = set()

    def get(self, key, default=None, type=None):
        _Recording.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _Recording.read.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _Recording.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _Recording.read.add(key)
        return super().__contains__(key)


@contextmanager
def recording_query_reads(app):
    original = app.request_class
    app.request_class = type(
        "RecordingRequest", (original,), {"parameter_storage_class": _Recording}
    )
    try:
        yield
    finally:
        app.request_class = original


def _value(original: list[str]):
    choices = [st.sampled_from(NASTY), st.text(max_size=40)]
    if original:
        choices.insert(0, st.sampled_from(original))
    return st.one_of(*choices)


def _permitted(app, role: Role | None, path: str, method: str) -> bool | None:
    endpoint = endpoint_of(app, path, method)
    needed = getattr(app.view_functions.get(endpoint), "required_permissions", None)
    if needed is None:
        return None
    return role is not None and any(role_allows(role, p) for p in needed)


def _check(app, session, role, method, path, response, before) -> None:
    assert response.status_code < 500, (role, method, path, response.status_code)
    if (
        response.status_code >= 400
        and before is not None
        and endpoint_of(app, path, method) not in WRITES_WHEN_REFUSED
    ):
        assert _row_counts(session) == before, ("partial write", role, method, path)
    allowed = _permitted(app, role, path, method)
    if allowed is False:
        assert response.status_code in (302, 401, 403), (role, method, path)


def _where(error: BaseException) -> str:
    """The exception and the project line it came from (a would-be 500)."""
    import traceback

    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if "/.venv/" not in frame.filename and "/tests/" not in frame.filename
    ]
    place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__}: {str(error).splitlines()[0][:160]} at {place}"


ROLES = [None, Role.ADMIN, Role.ENCADRANT, Role.REFERENT, Role.JARDIN, Role.CAISSIER]


# On PostgreSQL the walk runs for the admin (every page), the référente (her own filtered
# lists) and the cashier (the till's API); the other roles' walks add no query of their own.
ON_EVERY_DATABASE = {Role.ADMIN, Role.REFERENT, Role.CAISSIER}


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(
            role,
            marks=() if role in ON_EVERY_DATABASE else pytest.mark.database_neutral,
        )
        for role in ROLES
    ],
    ids=lambda r: str(r or "anonyme"),
)
def test_no_input_gives_a_5xx_or_a_partial_write(app, client, session, now, role):
    load_demo_data(session, now)
    session.commit()
    log_in(client, role)
    _Recording.read = set()
    reads: dict[str, set[str]] = {}
    with recording_query_reads(app):
        seen, forms = crawl(app, client, "/accueil" if role else "/login")
        for url, status in seen.items():
            assert status < 500, (role, url, status)
        # Which query parameters each endpoint reads: ask each page once more, alone.
        for url in seen:
            _Recording.read = set()
            client.get(url)
            reads.setdefault(endpoint_of(app, url) or url, set()).update(_Recording.read)
    assert len(seen) >= (3 if role in (None, Role.CAISSIER, Role.JARDIN) else 8), seen

    token = csrf_token_from(client.get("/accueil" if role else "/login").get_data(as_text=True))

    def relogin_if_needed(response) -> None:
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            log_in(client, role)

    failures: list[str] = []

    def run(check) -> None:
        # Every page and form is tried; the failures are listed together at the end.
        try:
            check()
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
        except Exception as error:  # noqa: BLE001 — TESTING lets a would-be 500 through
            for one in getattr(error, "exceptions", [error]):
                failures.append(_where(one))

    def query_check(path: str, keys: list[str]):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.fixed_dictionaries({key: _value([]) for key in keys}))
        def query_is_safe(values):
            response = client.get(path, query_string=values)
            _check(app, session, role, "GET", path, response, None)
            relogin_if_needed(response)

        return query_is_safe

    def form_check(form: Form):
        names = sorted(set(form.fields) - {"csrf_token"})

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.fixed_dictionaries({name: _value(form.fields[name]) for name in names}))
        def form_is_safe(values):
            before = _row_counts(session)
            response = client.post(form.action, data={"csrf_token": token, **values})
            _check(app, session, role, "POST", form.action, response, before)
            relogin_if_needed(response)

        return form_is_safe

    for url in [url for url, status in seen.items() if status == 200]:
        keys = sorted(reads.get(endpoint_of(app, url) or url, set()) - {"csrf_token"})
        if keys:
            run(query_check(url.split("?")[0], keys))

    unique: dict[tuple[str, tuple[str, ...]], Form] = {}
    for form in forms:
        if form.method == "POST" and not form.action.startswith(SKIPPED_ACTIONS):
            unique.setdefault(
                (endpoint_of(app, form.action, "POST") or form.action, tuple(sorted(form.fields))),
                form,
            )
    for form in unique.values():
        run(form_check(form))
    print(f"{role}: {len(seen)} pages, {len(unique)} forms")
    assert not failures, "\n".join(failures)
