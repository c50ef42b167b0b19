"""Sessions end when they should, and logins are throttled per computer, saying nothing about
which accounts exist."""

from sqlalchemy import select

from app.users.login import refused_login
from app.users.models import User
from app.users.roles import Role
from tests.conftest import csrf_token_from, page_text


def _token(client, path="/accueil"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def _copy_of_the_cookie(client, app):
    """Another browser holding the same session cookie (captured, or a second tab)."""
    thief = app.test_client()
    cookie = client.get_cookie("caisse_session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_a_cookie_captured_before_logout_is_dead_after_it(app, client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    thief = _copy_of_the_cookie(client, app)
    assert thief.get("/admin/users").status_code == 200
    client.post("/logout", data={"csrf_token": _token(client)})
    assert thief.get("/admin/users").status_code == 302
    answer = thief.get("/api/pos/catalogue", headers={"Accept": "application/json"})
    assert (answer.status_code, answer.get_json()["code"]) == (401, "auth_required")


def test_a_pin_reset_or_a_disabled_account_ends_every_session(
    app, client, make_user, login, session
):
    caissier = make_user(Role.CAISSIER, badge_code="0410000000014", pin="1234")
    till = app.test_client()
    token = csrf_token_from(till.get("/login/badge").get_data(as_text=True))
    till.post("/login/badge", data={"badge": "0410000000014", "pin": "1234", "csrf_token": token})
    assert till.get("/pos/till").status_code == 200
    make_user(Role.ADMIN, username="claire")
    login("claire")
    client.post(
        f"/admin/users/{caissier.id}/pin",
        data={
            "csrf_token": _token(client, f"/admin/users/{caissier.id}/pin"),
            "pin": "5678",
            "confirm": "5678",
        },
    )
    session.refresh(caissier)
    assert caissier.session_version == 1
    assert till.get("/pos/till").status_code == 302  # badge again, with the new PIN
    token = csrf_token_from(till.get("/login/badge").get_data(as_text=True))
    till.post("/login/badge", data={"badge": "0410000000014", "pin": "5678", "csrf_token": token})
    assert till.get("/pos/till").status_code == 200
    client.post(f"/admin/users/{caissier.id}/enabled", data={"csrf_token": _token(client)})
    assert till.get("/pos/till").status_code == 302


def _login_from(app, address, username, password):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = csrf_token_from(browser.get("/login").get_data(as_text=True))
    return browser.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_five_wrong_passwords_from_elsewhere_do_not_lock_the_admin_out(app, client, make_user):
    make_user(Role.ADMIN, username="admin", password="le-vrai-secret")
    answers = [_login_from(app, "203.0.113.9", "admin", f"essai-{n}") for n in range(6)]
    assert {a.status_code for a in answers} == {401}
    # The attacker's computer is locked out for this account, even with the right password…
    locked = _login_from(app, "203.0.113.9", "admin", "le-vrai-secret")
    assert locked.status_code == 401
    # …and is told exactly what a wrong password or an unknown account is told.
    unknown = _login_from(app, "203.0.113.9", "personne", "x" * 12)
    assert (
        page_text(locked).count(refused_login()) == page_text(unknown).count(refused_login()) == 1
    )
    # The admin, at their own desk, logs in.
    assert _login_from(app, "192.168.1.20", "admin", "le-vrai-secret").status_code == 302


def test_a_computer_trying_many_accounts_is_throttled(app, make_user, session, now):
    from app.settings.services import set_setting

    set_setting(session, "security.max_failed_logins_per_address", 8, now)
    make_user(Role.ENCADRANT, username="karim", password="secret-de-karim")
    for n in range(8):
        assert _login_from(app, "203.0.113.7", f"compte{n}", "x" * 10).status_code == 401
    throttled = _login_from(app, "203.0.113.7", "karim", "secret-de-karim")
    assert throttled.status_code == 401 and refused_login() in page_text(throttled)
    assert _login_from(app, "203.0.113.8", "karim", "secret-de-karim").status_code == 302


def test_admin_changes_a_role_and_a_password_and_the_sessions_end(
    app, client, make_user, login, session
):
    karim = make_user(Role.ENCADRANT, username="karim", password="ancien-secret")
    office = app.test_client()
    token = csrf_token_from(office.get("/login").get_data(as_text=True))
    office.post(
        "/login", data={"username": "karim", "password": "ancien-secret", "csrf_token": token}
    )
    assert office.get("/stock/").status_code == 200
    make_user(Role.ADMIN, username="claire")
    login("claire")
    page = f"/admin/users/{karim.id}"
    client.post(
        page, data={"csrf_token": _token(client, page), "action": "role", "role": "referent"}
    )
    session.refresh(karim)
    assert karim.role == Role.REFERENT
    assert office.get("/stock/").status_code == 302  # his session ended with the change
    answer = client.post(
        page,
        data={"csrf_token": _token(client, page), "action": "password", "password": "court"},
        follow_redirects=True,
    )
    assert "au moins 8 caractères" in page_text(answer)
    client.post(
        page,
        data={
            "csrf_token": _token(client, page),
            "action": "password",
            "password": "nouveau-secret",
        },
    )
    assert _login_from(app, "10.0.0.5", "karim", "nouveau-secret").status_code == 302
    # An admin cannot take their own admin role away (nobody could manage accounts).
    claire_id = session.scalar(select(User.id).where(User.username == "claire"))
    answer = client.post(
        f"/admin/users/{claire_id}",
        data={
            "csrf_token": _token(client, f"/admin/users/{claire_id}"),
            "action": "role",
            "role": "encadrant",
        },
        follow_redirects=True,
    )
    assert "propre rôle d'admin" in page_text(answer)


def test_each_person_changes_their_own_password_and_pin(app, client, make_user, login, session):
    make_user(Role.ENCADRANT, username="karim", password="ancien-secret", badge_code=None)
    other = app.test_client()
    token = csrf_token_from(other.get("/login").get_data(as_text=True))
    other.post(
        "/login", data={"username": "karim", "password": "ancien-secret", "csrf_token": token}
    )
    login("karim", "ancien-secret")
    token = _token(client, "/compte")
    answer = client.post(
        "/compte",
        data={
            "csrf_token": token,
            "action": "password",
            "current": "faux",
            "new": "nouveau-secret",
            "again": "nouveau-secret",
        },
        follow_redirects=True,
    )
    assert "Le mot de passe actuel est faux." in page_text(answer)
    answer = client.post(
        "/compte",
        data={
            "csrf_token": token,
            "action": "password",
            "current": "ancien-secret",
            "new": "nouveau-secret",
            "again": "nouveau-secret",
        },
        follow_redirects=True,
    )
    assert "Mot de passe changé." in page_text(answer)
    assert client.get("/stock/").status_code == 200  # this session goes on…
    assert other.get("/stock/").status_code == 302  # …the other one is over

    caissier = make_user(Role.CAISSIER, badge_code="0410000000014", pin="1234")
    till = app.test_client()
    token = csrf_token_from(till.get("/login/badge").get_data(as_text=True))
    till.post("/login/badge", data={"badge": "0410000000014", "pin": "1234", "csrf_token": token})
    token = _token(till, "/compte")
    answer = till.post(
        "/compte",
        data={
            "csrf_token": token,
            "action": "pin",
            "current": "1234",
            "new": "5678",
            "again": "5678",
        },
        follow_redirects=True,
    )
    assert "Code PIN changé." in page_text(answer)
    from app.users.login import authenticate_badge

    session.refresh(caissier)
    assert authenticate_badge(session, "0410000000014", "5678", caissier.created_at)
