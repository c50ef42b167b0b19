"""Creating users, checking passwords and badge PINs, and locking out repeated failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.audit.services import record_audit
from app.barcodes import repair_azerty_digits
from app.settings.services import get_setting
from app.users.errors import InvalidUserData, LoginRefused
from app.users.models import User
from app.users.roles import Role

_hasher = PasswordHasher()
PIN_PATTERN = re.compile(r"^\d{4,6}$")
MIN_PASSWORD_LENGTH = 8


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def _secret_matches(stored_hash: str | None, candidate: str) -> bool:
    if not stored_hash:
        # Spend the same time as a real check so timing does not reveal unknown accounts.
        _hasher.hash(candidate)
        return False
    try:
        return _hasher.verify(stored_hash, candidate)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class NewUser:
    display_name: str
    role: Role
    username: str | None = None
    password: str | None = None
    badge_code: str | None = None
    pin: str | None = None


def normalise_badge(badge: str) -> str:
    return repair_azerty_digits(badge)


def create_user(session: Session, actor_id: int | None, now: datetime, data: NewUser) -> User:
    """Validate and create a user; staff need a password, till operators a badge and PIN."""
    display_name = data.display_name.strip()
    if not display_name:
        raise InvalidUserData(_("Le nom affiché est obligatoire."))
    username = (data.username or "").strip().lower() or None
    badge = normalise_badge(data.badge_code) if data.badge_code else None
    if data.password is not None and len(data.password) < MIN_PASSWORD_LENGTH:
        raise InvalidUserData(
            _("Le mot de passe doit faire au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH)
        )
    if data.password and not username:
        raise InvalidUserData(
            _("Un identifiant est nécessaire pour se connecter par mot de passe.")
        )
    if badge is not None and not badge.isdigit():
        raise InvalidUserData(_("Le numéro de badge ne contient que des chiffres."))
    if data.pin is not None and not PIN_PATTERN.match(data.pin):
        raise InvalidUserData(_("Le code PIN compte 4 à 6 chiffres."))
    if bool(badge) != bool(data.pin):
        raise InvalidUserData(_("Un badge va toujours avec un code PIN (et inversement)."))
    if not data.password and not badge:
        raise InvalidUserData(_("Donnez un mot de passe ou un badge avec son code PIN."))
    if data.role == Role.CAISSIER and data.password:
        raise InvalidUserData(
            _("Un·e caissier·ère se connecte avec son badge et son code PIN, sans mot de passe.")
        )
    if username and session.scalar(select(User.id).where(User.username == username)):
        raise InvalidUserData(_("L'identifiant « %(u)s » est déjà pris.", u=username))
    if badge and session.scalar(select(User.id).where(User.badge_code == badge)):
        raise InvalidUserData(_("Ce badge est déjà attribué."))

    user = User(
        display_name=display_name,
        role=data.role,
        username=username,
        password_hash=hash_secret(data.password) if data.password else None,
        badge_code=badge,
        pin_hash=hash_secret(data.pin) if data.pin else None,
        is_enabled=True,
        failed_attempts=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="user.created",
        target=f"user:{user.id}",
        details={"role": user.role.value, "username": username, "has_badge": bool(badge)},
    )
    return user


def _refuse_if_locked(user: User, now: datetime) -> None:
    if not user.is_enabled:
        raise LoginRefused(_("Ce compte est désactivé. Adressez-vous à un·e encadrant·e."))
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(
            _(
                "Trop d'essais manqués : compte bloqué pendant encore %(m)d minute(s). "
                "Un·e administrateur·rice peut le débloquer.",
                m=minutes,
            )
        )


def _register_failure(session: Session, user: User, now: datetime, remote_addr: str | None,
                      purpose: str = "login"):
    user.failed_attempts += 1
    max_attempts = int(get_setting(session, "security.max_failed_logins"))
    locked = user.failed_attempts >= max_attempts
    if locked:
        user.locked_until = now + timedelta(
            minutes=int(get_setting(session, "security.lockout_minutes"))
        )
        user.failed_attempts = 0
    record_audit(
        session,
        actor_id=user.id,
        now=now,
        action="login.locked" if locked else "login.failed",
        target=f"user:{user.id}",
        details={"purpose": purpose},
        remote_addr=remote_addr,
    )
    session.flush()


def _register_success(session: Session, user: User, now: datetime, method: str, remote_addr):
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    record_audit(
        session,
        actor_id=user.id,
        now=now,
        action="login.succeeded",
        target=f"user:{user.id}",
        details={"method": method},
        remote_addr=remote_addr,
    )


def authenticate_password(
    session: Session, username: str, password: str, now: datetime, remote_addr: str | None = None
) -> User:
    """Return the user or raise ``LoginRefused``; failures count towards the lock-out.

    The caller commits in both cases so that a failure is remembered.
    """
    wrong = LoginRefused(_("Identifiant ou mot de passe incorrect."))
    user = session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower())
    )
    if user is None or user.password_hash is None:
        _secret_matches(None, password)
        record_audit(
            session, actor_id=None, now=now, action="login.failed",
            details={"username": username.strip()[:80]}, remote_addr=remote_addr,
        )
        raise wrong
    _refuse_if_locked(user, now)
    if not _secret_matches(user.password_hash, password):
        _register_failure(session, user, now, remote_addr)
        raise wrong
    _register_success(session, user, now, "password", remote_addr)
    return user


def find_user_by_badge(session: Session, badge: str) -> User | None:
    code = normalise_badge(badge)
    if not code:
        return None
    return session.scalar(select(User).where(User.badge_code == code))


def wrong_badge_or_pin() -> str:
    """One answer for an unknown badge, a wrong PIN and a disabled account, so that nobody
    learns which badges exist by trying them."""
    return _("Badge ou code PIN incorrect.")


UNKNOWN_BADGE_ACTION = "login.unknown_badge"


def _unknown_badge_locked_until(session: Session, code: str, now: datetime) -> datetime | None:
    """An unknown badge is locked out exactly as a real one would be (same count, same
    duration, from the audit log of its failures), so the lock-out reveals nothing either."""
    max_attempts = int(get_setting(session, "security.max_failed_logins"))
    lockout = timedelta(minutes=int(get_setting(session, "security.lockout_minutes")))
    failures = session.scalars(
        select(AuditEntry.at).where(AuditEntry.action == UNKNOWN_BADGE_ACTION,
                                    AuditEntry.target == f"badge:{code}",
                                    AuditEntry.at >= now - timedelta(days=1))
        .order_by(AuditEntry.at))
    count, locked_until = 0, None
    for at in failures:
        if locked_until and at < locked_until:
            continue
        count += 1
        if count >= max_attempts:
            locked_until, count = at + lockout, 0
    return locked_until if locked_until and locked_until > now else None


def _locked_message(locked_until: datetime, now: datetime) -> str:
    minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
    return _("Trop d'essais manqués : badge bloqué pendant encore %(m)d minute(s). "
             "Un·e administrateur·rice peut le débloquer.", m=minutes)


def verify_badge_and_pin(
    session: Session, badge: str, pin: str, now: datetime, remote_addr: str | None = None,
    purpose: str = "login",
) -> User:
    """The person holding ``badge`` who knows its PIN, or ``LoginRefused``.

    Every refusal is audited and counts towards the lock-out like a failed login (the caller
    commits in both cases, so a failure is remembered). An unknown badge, a wrong PIN and a
    disabled account get the same message and take the same time.
    """
    code = normalise_badge(badge)[:32]
    user = find_user_by_badge(session, code) if code else None
    if user is None or user.pin_hash is None:
        locked_until = _unknown_badge_locked_until(session, code, now)
        if locked_until:
            raise LoginRefused(_locked_message(locked_until, now))
        _secret_matches(None, pin)
        record_audit(session, actor_id=None, now=now, action=UNKNOWN_BADGE_ACTION,
                     target=f"badge:{code}", details={"purpose": purpose},
                     remote_addr=remote_addr)
        raise LoginRefused(wrong_badge_or_pin())
    if user.locked_until and user.locked_until > now:
        record_audit(session, actor_id=user.id, now=now, action="login.refused_locked",
                     target=f"user:{user.id}", details={"purpose": purpose},
                     remote_addr=remote_addr)
        raise LoginRefused(_locked_message(user.locked_until, now))
    if not _secret_matches(user.pin_hash, pin.strip()):
        _register_failure(session, user, now, remote_addr, purpose)
        raise LoginRefused(wrong_badge_or_pin())
    if not user.is_enabled:
        record_audit(session, actor_id=user.id, now=now, action="login.refused_disabled",
                     target=f"user:{user.id}", details={"purpose": purpose},
                     remote_addr=remote_addr)
        raise LoginRefused(wrong_badge_or_pin())
    return user


def authenticate_badge(
    session: Session, badge: str, pin: str, now: datetime, remote_addr: str | None = None
) -> User:
    """Badge + PIN login for the till; the PIN counts towards the same lock-out."""
    user = verify_badge_and_pin(session, badge, pin, now, remote_addr, "login")
    _register_success(session, user, now, "badge", remote_addr)
    return user


def unlock_user(session: Session, actor_id: int, now: datetime, user: User) -> None:
    user.failed_attempts = 0
    user.locked_until = None
    record_audit(session, actor_id=actor_id, now=now, action="user.unlocked",
                 target=f"user:{user.id}")
    session.flush()


def set_user_enabled(
    session: Session, actor_id: int, now: datetime, user: User, enabled: bool
) -> None:
    if user.id == actor_id and not enabled:
        raise InvalidUserData(_("Vous ne pouvez pas désactiver votre propre compte."))
    user.is_enabled = enabled
    record_audit(session, actor_id=actor_id, now=now,
                 action="user.enabled" if enabled else "user.disabled", target=f"user:{user.id}")
    session.flush()


def reset_pin(session: Session, actor_id: int, now: datetime, user: User, pin: str) -> None:
    if not PIN_PATTERN.match(pin):
        raise InvalidUserData(_("Le code PIN compte 4 à 6 chiffres."))
    if not user.badge_code:
        raise InvalidUserData(_("Ce compte n'a pas de badge."))
    user.pin_hash = hash_secret(pin)
    user.failed_attempts = 0
    user.locked_until = None
    record_audit(session, actor_id=actor_id, now=now, action="user.pin_reset",
                 target=f"user:{user.id}")
    session.flush()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.display_name)))
