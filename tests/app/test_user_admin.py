"""CCAS management creates accounts, resets PINs and unlocks users from the pages."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.users.models import User
from app.users.roles import Role
from tests.conftest import csrf_token_from, page_text


def test_admin_creates_a_till_account_with_badge(client, session, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    form = client.get("/admin/users/new")
    token = csrf_token_from(form.get_data(as_text=True))
    response = client.post(
        "/admin/users/new",
        data={
            "display_name": "Moussa",
            "role": "caissier",
            "badge_code": "0410000000038",
            "pin": "5678",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "Compte créé pour Moussa." in page_text(response)
    user = session.scalar(select(User).where(User.display_name == "Moussa"))
    assert user.role == Role.CAISSIER and user.password_hash is None
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.created")).all()
    assert audit[-1].target == f"user:{user.id}"


def test_invalid_account_shows_the_reason_and_writes_nothing(client, session, make_user, login):
    make_user(Role.ADMIN, username="claire")
    login("claire")
    token = csrf_token_from(client.get("/admin/users/new").get_data(as_text=True))
    response = client.post(
        "/admin/users/new",
        data={
            "display_name": "Moussa",
            "role": "caissier",
            "badge_code": "0410000000038",
            "pin": "12",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "Le code PIN compte 4 à 6 chiffres." in page_text(response)
    assert session.scalar(select(User).where(User.display_name == "Moussa")) is None


def test_admin_unlocks_a_locked_cashier(client, session, make_user, login, now):
    make_user(Role.ADMIN, username="claire")
    cashier = make_user(Role.CAISSIER, display_name="Nadia")
    from datetime import timedelta

    from app.clock import utcnow

    cashier.locked_until = utcnow() + timedelta(minutes=10)
    session.flush()
    login("claire")
    listing = client.get("/admin/users")
    assert "Bloqué" in page_text(listing)
    token = csrf_token_from(listing.get_data(as_text=True))
    response = client.post(
        f"/admin/users/{cashier.id}/unlock", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Nadia peut de nouveau se connecter." in page_text(response)
    assert cashier.locked_until is None


def test_audit_page_lists_logins_in_french(client, make_user, login):
    make_user(Role.ADMIN, username="claire", display_name="Claire D.")
    login("claire", "mauvais")
    login("claire")
    text = page_text(client.get("/admin/audit"))
    assert "Échec de connexion" in text and "Connexion réussie" in text
    assert "Claire D." in text


def test_a_badge_is_made_when_none_is_typed_printed_from_the_page_and_replaced_when_lost(
    client, session, make_user, login
):
    from app.barcodes import is_valid_gs1
    from app.users.errors import LoginRefused
    from app.users.login import verify_badge_and_pin

    make_user(Role.ADMIN, username="claire")
    login("claire")
    token = csrf_token_from(client.get("/admin/users/new").get_data(as_text=True))
    page = client.post(
        "/admin/users/new",
        data={"display_name": "Awa", "role": "caissier", "pin": "4321", "csrf_token": token},
        follow_redirects=True,
    )
    user = session.scalar(select(User).where(User.display_name == "Awa"))
    first = user.badge_code
    assert first.startswith("041") and len(first) == 13 and is_valid_gs1(first)
    assert f"Badge n° {first}" in page_text(page) and "Imprimer le badge" in page_text(page)
    badge = client.get(f"/admin/users/{user.id}/badge")
    html = badge.get_data(as_text=True)
    assert badge.status_code == 200 and "Awa" in html and "data:image/svg+xml;base64," in html
    assert "4321" not in html  # never the PIN
    assert session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.action == "user.badge_printed", AuditEntry.target == f"user:{user.id}"
        )
    )
    page = client.post(
        f"/admin/users/{user.id}",
        data={"csrf_token": token, "action": "badge"},
        follow_redirects=True,
    )
    session.refresh(user)
    assert user.badge_code != first and is_valid_gs1(user.badge_code)
    assert f"Nouveau badge n° {user.badge_code}" in page_text(page)
    from app.clock import utcnow

    assert verify_badge_and_pin(session, user.badge_code, "4321", utcnow()) is not None
    with pytest.raises(LoginRefused):
        verify_badge_and_pin(session, first, "4321", utcnow())
    staff = make_user(Role.ENCADRANT, username="eric")
    answer = client.get(f"/admin/users/{staff.id}/badge", follow_redirects=True)
    assert "n'a pas de badge" in page_text(answer)
