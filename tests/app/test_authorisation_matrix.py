"""Every address × every role, as the role table says: a role without the permission gets 403
(JSON for the API), an anonymous visitor the login page (401 on the API), a role with it is let
in; and every POST of the application refuses a request without its CSRF token."""

from __future__ import annotations

import pytest

from app.demo import load_demo_data
from app.settings.services import set_setting
from app.users.roles import Role, role_allows
from tests.app.route_table import rules
from tests.app.site_walk import log_in
from tests.app.site_walk import row_counts as _row_counts
from tests.conftest import csrf_token_from

SAMPLE_ARGUMENTS = {
    "code": "jardinage",
    "number": "R00001",
    "key": "ventes",
    "reference": "C1-000001",
    "decision": "accorder",
    "action": "fin",
}
# (endpoint, role) let in by the permission, then refused by what the record or the form says
# (a social worker prints household cards only, the jardin pesée labels only: an empty form
# asks for shelf labels).
REFUSED_INSIDE = {("labels.render", Role.REFERENT), ("labels.render", Role.JARDIN)}
NOT_POSTED = {"users.logout"}  # would end the walker's session (its own test is test_sessions)


def _first_ids(session) -> dict[str, int]:
    """A real row for each id in the addresses (PostgreSQL's ids do not restart at 1)."""
    from sqlalchemy import func, select

    from app.users.models import User
    from inventory.models import BarcodeRule, Product, Reception, Stocktake
    from participants.models import AccessRight, Contract, Household, Participant

    models = {
        "household_id": Household,
        "right_id": AccessRight,
        "participant_id": Participant,
        "contract_id": Contract,
        "user_id": User,
        "stocktake_id": Stocktake,
        "product_id": Product,
        "reception_id": Reception,
        "rule_id": BarcodeRule,
    }
    return {name: session.scalar(select(func.min(model.id))) or 1 for name, model in models.items()}


IDS: dict[str, int] = {}


def _url(app, rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = (
            IDS.get(name, 1)
            if type(converter).__name__.endswith("IntegerConverter")
            else SAMPLE_ARGUMENTS.get(name, "x")
        )
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _requests(app):
    for rule in rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "POST" and rule.endpoint in NOT_POSTED:
                continue
            yield rule, method, _url(app, rule)


def _send(client, method, url, token):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.post(url, json={}, headers={"X-CSRFToken": token or ""})
    return client.post(url, data={"csrf_token": token or ""})


# Who may open what is the code's rule, not the database's: on PostgreSQL one role (the admin,
# every page rendered) walks the matrix; every role does on SQLite.
@pytest.mark.parametrize(
    "role",
    [
        pytest.param(role, marks=() if role == Role.ADMIN else pytest.mark.database_neutral)
        for role in [None, *Role]
    ],
    ids=lambda r: str(r or "anonyme"),
)
def test_each_role_reaches_exactly_what_the_role_table_gives(app, client, session, now, role):
    load_demo_data(session, now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    session.commit()
    IDS.update(_first_ids(session))
    log_in(client, role)
    token = csrf_token_from(
        client.get(
            "/pos/till" if role == Role.CAISSIER else "/accueil" if role else "/login"
        ).get_data(as_text=True)
    )
    wrong = []
    for rule, method, url in _requests(app):
        needed = getattr(app.view_functions[rule.endpoint], "required_permissions", None)
        before = _row_counts(session) if method == "GET" else None
        response = _send(client, method, url, token)
        status = response.status_code
        if before is not None and _row_counts(session) != before:
            wrong.append(f"GET {url} wrote something: every change is a POST")
        if status >= 500:
            wrong.append(f"{method} {url}: {status}")
        elif needed is None:
            continue
        elif role is None:
            expected = 401 if url.startswith("/api/") else 302
            if status != expected:
                wrong.append(f"{method} {url}: {status} instead of {expected}")
        elif not any(role_allows(role, p) for p in needed):
            if status != 403:
                wrong.append(f"{method} {url}: {status} instead of 403")
            elif url.startswith("/api/") and response.get_json()["code"] != "forbidden":
                wrong.append(f"{method} {url}: not a JSON 403")
        elif status == 403 and (rule.endpoint, role) not in REFUSED_INSIDE:
            wrong.append(f"{method} {url}: 403 for a role that has {needed}")
        if status == 302 and "/login" in response.headers.get("Location", "") and role:
            log_in(client, role)  # a page that logged the walker out (disabled itself…)
    assert wrong == []


def test_every_post_refuses_a_request_without_its_csrf_token(app, client, session, now):
    load_demo_data(session, now)
    session.commit()
    IDS.update(_first_ids(session))
    log_in(client, Role.ADMIN)
    posts = [url for _rule, method, url in _requests(app) if method == "POST"]
    assert len(posts) >= 40
    for url in [*posts, "/logout"]:
        if url.startswith("/api/"):
            response = client.post(url, json={})
            assert (response.status_code, response.get_json()["code"]) == (400, "csrf_invalid"), url
        else:
            response = client.post(url, data={})
            assert response.status_code == 400, url
            assert "Formulaire expiré" in response.get_data(as_text=True), url
