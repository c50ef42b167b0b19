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
    [(Role.CAISSIER, "/admin/users"), (Role.REFERENT, "/pos/till"), (Role.JARDIN, "/admin/audit"),
     (Role.ENCADRANT, "/admin/users"), (Role.ADMIN, "/pos/till")],
)
def test_role_reaching_a_page_it_may_not_see_gets_403(client, make_user, login, role, path):
    if role == Role.CAISSIER:
        user = make_user(role, badge_code="0410000000014", pin="1234")
        token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
        client.post("/login/badge", data={"badge": user.badge_code, "pin": "1234",
                                          "csrf_token": token})
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
