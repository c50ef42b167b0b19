"""Logging in by password (staff) and badge + PIN (till), with lock-out and audit."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.settings.services import set_setting
from app.users.accounts import NewUser, create_user, unlock_user
from app.users.errors import InvalidUserData, LoginRefused
from app.users.login import authenticate_badge, authenticate_password, refused_login
from app.users.roles import Role
from tests.conftest import csrf_token_from, page_text


def _actions(session):
    return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_password_login_and_audit(session, make_user, now):
    user = make_user(Role.REFERENT, username="sophie", password="un-long-secret")
    assert authenticate_password(session, "Sophie ", "un-long-secret", now) == user
    assert user.last_login_at == now
    assert _actions(session)[-1] == "login.succeeded"


def test_wrong_password_does_not_say_which_part_is_wrong(session, make_user, now):
    make_user(Role.REFERENT, username="sophie", password="un-long-secret")
    for username, password in (("sophie", "faux"), ("inconnu", "un-long-secret")):
        with pytest.raises(LoginRefused, match="identifiant ou mot de passe incorrect"):
            authenticate_password(session, username, password, now)
    assert _actions(session)[-2:] == ["login.failed", "login.failed"]


def test_lockout_after_repeated_failures_then_time_or_unlock(session, make_user, now):
    set_setting(session, "security.max_failed_logins", 3, now)
    user = make_user(Role.ENCADRANT, username="karim", password="un-long-secret")
    for _ in range(3):
        with pytest.raises(LoginRefused):
            authenticate_password(session, "karim", "mauvais", now)
    assert "login.locked" in _actions(session)
    # Even the right password is refused while locked, with the same words as a wrong one.
    with pytest.raises(LoginRefused) as refused:
        authenticate_password(session, "karim", "un-long-secret", now + timedelta(seconds=30))
    assert refused.value.message == refused_login()
    later = now + timedelta(minutes=16)
    assert authenticate_password(session, "karim", "un-long-secret", later) == user
    for _ in range(3):
        with pytest.raises(LoginRefused):
            authenticate_password(session, "karim", "mauvais", later)
    unlock_user(session, user.id, later, user)
    assert authenticate_password(session, "karim", "un-long-secret", later) == user


def test_badge_and_pin(session, make_user, now):
    user = make_user(Role.CAISSIER, badge_code="0410000000014", pin="4321")
    # A scanner typing QWERTY on an AZERTY keyboard still logs in.
    assert authenticate_badge(session, "à'&àààààààà&'", "4321", now) == user
    with pytest.raises(LoginRefused, match="^Badge ou code PIN incorrect.$"):
        authenticate_badge(session, "0410000000014", "0000", now)
    with pytest.raises(LoginRefused, match="^Badge ou code PIN incorrect.$"):
        authenticate_badge(session, "0419999999999", "4321", now)
    assert _actions(session)[-2:] == ["login.failed", "login.unknown_badge"]


def test_disabled_account_is_refused_without_saying_so(session, make_user, now):
    user = make_user(Role.CAISSIER)
    user.is_enabled = False
    with pytest.raises(LoginRefused, match="^Badge ou code PIN incorrect.$"):
        authenticate_badge(session, user.badge_code, "1234", now)
    assert _actions(session)[-1] == "login.refused_disabled"


def test_a_known_and_an_unknown_badge_answer_alike_until_locked(session, make_user, now):
    """Five tries on a real badge and on a made-up one: the same answers, the same lock-out,
    so trying badges tells nobody which exist."""
    make_user(Role.ENCADRANT, badge_code="0410000000021", pin="2468")
    answers = {}
    for badge in ("0410000000021", "0419999999999"):
        answers[badge] = []
        for attempt in range(7):
            with pytest.raises(LoginRefused) as refused:
                authenticate_badge(session, badge, "0000", now + timedelta(seconds=attempt))
            answers[badge].append(refused.value.message)
    assert answers["0410000000021"] == answers["0419999999999"]
    assert answers["0410000000021"][:5] == ["Badge ou code PIN incorrect."] * 5
    assert "bloqué pendant encore 15 minute" in answers["0410000000021"][5]
    # Who can unlock it: an administrator (the only role with « Utilisateurs »).
    assert "Un·e administrateur·rice peut le débloquer." in answers["0410000000021"][5]
    # The real owner waits like anyone else, then logs in.
    with pytest.raises(LoginRefused, match="bloqué"):
        authenticate_badge(session, "0410000000021", "2468", now + timedelta(minutes=5))
    assert authenticate_badge(session, "0410000000021", "2468", now + timedelta(minutes=16))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (NewUser("A", Role.CAISSIER, badge_code="0411", pin="12"), "4 à 6 chiffres"),
        (NewUser("A", Role.CAISSIER, badge_code="0411"), "badge va toujours avec un code PIN"),
        (NewUser("A", Role.REFERENT, username="a", password="court"), "au moins 8"),
        (
            NewUser(
                "A",
                Role.CAISSIER,
                username="a",
                password="assez-long",
                badge_code="0411",
                pin="1234",
            ),
            "sans mot de passe",
        ),
        (NewUser(" ", Role.ADMIN, username="a", password="assez-long"), "nom affiché"),
        (NewUser("A", Role.ADMIN), "mot de passe ou un badge"),
    ],
)
def test_user_creation_is_validated_in_french(session, now, data, message):
    with pytest.raises(InvalidUserData, match=message):
        create_user(session, None, now, data)


def test_usernames_and_badges_are_unique(session, make_user, now):
    make_user(Role.REFERENT, username="sophie")
    with pytest.raises(InvalidUserData, match="déjà pris"):
        create_user(
            session, None, now, NewUser("B", Role.ADMIN, username="Sophie", password="assez-long")
        )
    make_user(Role.CAISSIER, badge_code="0410000000014")
    with pytest.raises(InvalidUserData, match="déjà attribué"):
        create_user(
            session, None, now, NewUser("C", Role.CAISSIER, badge_code="0410000000014", pin="1111")
        )


# --- through the pages -------------------------------------------------------------------


def test_login_page_is_french_and_logs_in(client, make_user, login):
    make_user(Role.ADMIN, username="claire", display_name="Claire D.")
    page = client.get("/login")
    assert "Connexion du personnel" in page_text(page)
    response = login("claire")
    assert response.status_code == 302
    home = client.get(response.headers["Location"])
    assert "Bonjour Claire D." in page_text(home)
    assert "Direction du CCAS" in page_text(home)


def test_wrong_password_page(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    response = login("claire", "pas-le-bon")
    assert response.status_code == 401
    assert "identifiant ou mot de passe incorrect." in page_text(response)


def test_badge_login_lands_on_the_till(client, make_user):
    make_user(Role.CAISSIER, display_name="Nadia", badge_code="0410000000014", pin="1234")
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    response = client.post(
        "/login/badge", data={"badge": "0410000000014", "pin": "1234", "csrf_token": token}
    )
    assert response.headers["Location"] == "/pos/till"
    assert "Caisse — bonjour Nadia" in page_text(client.get("/pos/till"))


@pytest.mark.parametrize(
    ("badge", "pin", "message"),
    [
        ("0419999999999", "1234", "Badge ou code PIN incorrect."),
        ("0410000000014", "9999", "Badge ou code PIN incorrect."),
        ("0410000000014", "12", "Le code PIN compte 4 à 6 chiffres."),
        ("", "1234", "Scannez votre badge."),
    ],
)
def test_badge_login_errors_are_french(client, make_user, badge, pin, message):
    make_user(Role.CAISSIER, badge_code="0410000000014", pin="1234")
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    response = client.post("/login/badge", data={"badge": badge, "pin": pin, "csrf_token": token})
    assert response.status_code in (200, 401)
    assert message in page_text(response)


def test_login_does_not_redirect_elsewhere(client, make_user):
    make_user(Role.ADMIN, username="claire")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "claire", "password": "motdepasse-sur", "csrf_token": token},
    )
    assert response.headers["Location"] == "/accueil"


def test_logout_needs_post_and_goes_back_to_login(client, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    home = client.get("/accueil")
    assert client.get("/logout").status_code == 405
    token = csrf_token_from(home.get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert client.get("/accueil").headers["Location"].startswith("/login")
