"""CSRF on every form and JSON call, and each role kept to its own pages."""

import pytest

from app.users.roles import Role
from tests.conftest import csrf_token_from, page_text


def test_form_without_csrf_token_is_refused_in_french(client, make_user):
    make_user(Role.ADMIN, username="claire")
    response = client.post("/login", data={"username": "claire", "password": "motdepasse-sur"})
    assert response.status_code == 400
    assert "Ce formulaire a expiré" in page_text(response)


def test_json_call_without_csrf_header_gets_a_json_error(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    response = client.post("/logout", json={}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "csrf_invalid"
    assert "jeton de sécurité" in response.get_json()["message"]


def test_json_call_with_csrf_header_is_accepted(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    token = csrf_token_from(client.get("/accueil").get_data(as_text=True))
    response = client.post("/logout", headers={"X-CSRFToken": token})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.CAISSIER, "/admin/users"),
        (Role.REFERENT, "/pos/till"),
        (Role.JARDIN, "/admin/audit"),
        (Role.ENCADRANT, "/admin/users"),
        (Role.ADMIN, "/pos/till"),
    ],
)
def test_role_reaching_a_page_it_may_not_see_gets_403(client, make_user, login, role, path):
    if role == Role.CAISSIER:
        user = make_user(role, badge_code="0410000000014", pin="1234")
        token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
        client.post(
            "/login/badge", data={"badge": user.badge_code, "pin": "1234", "csrf_token": token}
        )
    else:
        make_user(role, username="someone")
        login("someone")
    response = client.get(path)
    assert response.status_code == 403
    assert "Accès refusé" in page_text(response)
    assert "Votre rôle ne permet pas d'ouvrir cette page." in page_text(response)


def test_anonymous_visitor_is_sent_to_login_in_french(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Connectez-vous pour accéder à cette page." in page_text(
        client.get(response.headers["Location"])
    )


def test_navigation_shows_only_what_the_role_may_open(client, make_user, login):
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    text = page_text(client.get("/accueil"))
    assert "Utilisateurs" not in text and "Caisse" not in text.replace("Caisse Solidaire", "")


def test_unknown_page_is_french(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404 and "Page introuvable" in page_text(response)


def test_a_nul_character_is_refused_everywhere_before_the_database(
    client, make_user, login, session, monkeypatch, app
):
    """PostgreSQL cannot store NUL: in a path, a query, a form or a JSON body it gets a French
    422, never a 500 (and the database is never asked)."""
    make_user(Role.ADMIN, username="claire")
    login("claire")
    token = csrf_token_from(client.get("/accueil").get_data(as_text=True))
    answers = [
        client.get("/api/pos/session?till=C%001"),
        client.get("/api/pos/objets/R%0012"),
        client.post(
            "/api/pos/session/cash",
            json={"till": "C1\x00", "amount_cents": 5},
            headers={"X-CSRFToken": token},
        ),
        client.post(
            "/login", data={"username": "cla\x00ire", "password": "x", "csrf_token": token}
        ),
        client.get("/stock/products?q=p%00tes"),
    ]
    for response in answers:
        assert response.status_code == 422, response.request.path
    assert answers[0].get_json()["code"] == "invalid"
    assert "caractère nul" in answers[0].get_json()["message"]
    assert "caractère nul" in page_text(answers[3])


def test_a_value_the_database_refuses_is_a_422_not_a_500(client, make_user, login, monkeypatch):
    from sqlalchemy.exc import DataError

    import app.views

    make_user(Role.ADMIN, username="claire")
    login("claire")

    def refused(*args, **kwargs):
        raise DataError("SELECT 1", {}, Exception("integer out of range"))

    monkeypatch.setattr(app.views, "render_template", refused)
    response = client.get("/accueil", headers={"Accept": "application/json"})
    assert (response.status_code, response.get_json()["code"]) == (422, "invalid")


def test_every_page_carries_the_security_headers(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    for response in (client.get("/login"), client.get("/nulle-part")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
    login("claire")
    assert client.get("/admin/audit").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/caisse.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_household_and_participant_pages_are_never_cached(client, make_user, login, session, now):
    from app.settings.services import set_setting
    from tests.conftest import seed_household

    household = seed_household(session, "0420000000017", now)
    set_setting(session, "epicerie.referents_see_all", True, now)
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    for path in (
        f"/foyers/{household.id}",
        "/foyers/",
        f"/foyers/{household.id}/export",
        f"/foyers/{household.id}/export.json",
        "/ateliers/participants",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_no_template_has_inline_scripts_styles_or_handlers():
    """The Content-Security-Policy forbids them: a page would silently lose its behaviour."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        # The import map (base.html) is the one inline script: the policy allows it by hash.
        text = template.read_text(encoding="utf-8").replace(
            '<script type="importmap">{{ import_map }}</script>', ""
        )
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or "<style" in text
            or re.search(r"\son[a-z]+=", text)
            or re.search(r"\sstyle=", text)
        ):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_the_import_map_is_the_one_inline_script_and_the_policy_allows_it(client):
    """A module names the site-wide ones "caisse/scanner.js": without the import map (or if
    the policy refused it) the till would not start. Nothing else inline is allowed."""
    import base64
    import hashlib
    import json
    import re

    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    inline = re.findall(
        r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.get_data(as_text=True), re.S
    )
    assert len(inline) == 1
    assert json.loads(inline[0]) == {"imports": {"caisse/": "/static/js/"}}
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert script_src == f"script-src 'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in policy


def test_no_page_tells_a_phone_to_hide_its_keyboard(client, make_user, login, session, now):
    """inputmode="None" (the macro's empty default rendered as text) showed no keyboard on a
    phone: the jardin could not even log in from the garden."""
    assert 'inputmode="None"' not in client.get("/login").get_data(as_text=True)
    make_user(Role.ENCADRANT, username="karim")
    login("karim")
    for path in ("/stock/jardin", "/stock/receptions", "/stock/products/new", "/accueil"):
        html = client.get(path).get_data(as_text=True)
        assert 'inputmode="None"' not in html and "=None" not in html, path
