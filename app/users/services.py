"""Creating users, checking passwords and badge PINs, and locking out repeated failures."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.audit.services import record_audit
from app.barcodes import complete_ean13, is_valid_gs1, repair_azerty_digits
from app.settings.core import (
    LOCKOUT_MINUTES,
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_ACCOUNT,
    MAX_FAILED_LOGINS_PER_ADDRESS,
)
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


BADGE_PREFIX = "041"  # GS1 prefixes 040–049: codes for use inside one organisation


def new_badge_code(session: Session) -> str:
    """A badge number nobody has: an EAN-13 of internal use (every scanner reads it)."""
    while True:
        code = complete_ean13(
            BADGE_PREFIX + "".join(secrets.choice("0123456789") for _ in range(9))
        )
        if session.scalar(select(User.id).where(User.badge_code == code)) is None:
            return code


def badge_barcode_svg(code: str) -> str:
    """The badge's barcode as SVG: EAN-13 when the number is one, Code 128 otherwise (badges
    bought pre-numbered)."""
    import io

    from barcode import EAN13, Code128
    from barcode.writer import SVGWriter

    out = io.BytesIO()
    options = {"module_height": 12, "font_size": 8, "text_distance": 3, "quiet_zone": 6.5}
    if len(code) == 13 and is_valid_gs1(code):
        EAN13(code[:12], writer=SVGWriter()).write(out, options={**options, "module_width": 0.33})
    else:
        Code128(code, writer=SVGWriter()).write(out, options={**options, "module_width": 0.25})
    return out.getvalue().decode()


def replace_badge(session: Session, actor_id: int, now: datetime, user: User) -> str:
    """A lost badge: a new number, the old one no longer opens the till."""
    user.badge_code = new_badge_code(session)
    user.end_sessions()  # whoever found the old badge is logged out everywhere
    session.flush()
    record_audit(
        session, actor_id=actor_id, now=now, action="user.badge_replaced", target=f"user:{user.id}"
    )
    return user.badge_code


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
    if badge and not data.pin:
        raise InvalidUserData(_("Un badge va toujours avec un code PIN."))
    if data.pin and not badge:
        badge = new_badge_code(session)  # a badge to print from the person's page
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
        details={"role": user.role.value, "has_badge": bool(badge)},
    )
    return user


# Failed logins counted for lock-outs: per account (or badge) and client address, and per address.
FAILED_LOGINS = ("login.failed", "login.unknown_badge")
RESETS = (
    "login.succeeded",
    "user.unlocked",
    "user.pin_reset",
    "user.password_changed",
    "user.enabled",
)


def refused_login() -> str:
    """One answer for every refused password login — wrong password, unknown account,
    disabled or locked account, too many tries from this computer — so that nobody learns
    which accounts exist, nor which one is locked."""
    return _(
        "Connexion refusée : identifiant ou mot de passe incorrect. Après 5 essais "
        "manqués, la connexion est suspendue 15 minutes (un·e administrateur·rice peut "
        "débloquer un compte)."
    )


def _lockout(session: Session) -> tuple[int, timedelta]:
    return (MAX_FAILED_LOGINS.get(session), timedelta(minutes=LOCKOUT_MINUTES.get(session)))


def _from_address(remote_addr: str | None):
    return (
        AuditEntry.remote_addr.is_(None)
        if remote_addr is None
        else AuditEntry.remote_addr == remote_addr
    )


def _last_reset(session: Session, target: str) -> datetime | None:
    return session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.target == target, AuditEntry.action.in_(RESETS)
        )
    )


def _locked_until(
    session: Session, target: str, remote_addr: str | None, now: datetime
) -> datetime | None:
    """``target`` (``user:12``, ``badge:041…``) tried from ``remote_addr``: locked until when,
    after ``security.max_failed_logins`` failures (rolling, from the audit log, since the last
    success or unlock). Tries from elsewhere do not lock it here: five wrong passwords typed
    by someone else do not keep the admin out of their own office."""
    max_attempts, lockout = _lockout(session)
    since = max(filter(None, (now - timedelta(days=1), _last_reset(session, target))))
    failures = session.scalars(
        select(AuditEntry.at)
        .where(
            AuditEntry.action.in_(FAILED_LOGINS),
            AuditEntry.target == target,
            _from_address(remote_addr),
            AuditEntry.at > since,
        )
        .order_by(AuditEntry.at)
    )
    count, locked_until = 0, None
    for at in failures:
        if locked_until and at < locked_until:
            continue
        count += 1
        if count >= max_attempts:
            locked_until, count = at + lockout, 0
    return locked_until if locked_until and locked_until > now else None


def address_throttled(session: Session, remote_addr: str | None, now: datetime) -> bool:
    """Too many failed logins from this client address (any account, known or not) within
    the lock-out time: every login from it waits (``security.max_failed_logins_per_address``)."""
    if remote_addr is None:
        return False
    _max_attempts, lockout = _lockout(session)
    limit = MAX_FAILED_LOGINS_PER_ADDRESS.get(session)
    failures = session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.action.in_(FAILED_LOGINS),
            AuditEntry.remote_addr == remote_addr,
            AuditEntry.at > now - lockout,
        )
    )
    return failures >= limit


def _register_failure(
    session: Session, user: User, now: datetime, remote_addr: str | None, purpose: str = "login"
):
    """A wrong secret for a real account: counted for this address (lock-out here), and for
    the account from everywhere (``security.max_failed_logins_account``: a spread attack)."""
    record_audit(
        session,
        actor_id=user.id,
        now=now,
        action="login.failed",
        target=f"user:{user.id}",
        details={"purpose": purpose},
        remote_addr=remote_addr,
    )
    user.failed_attempts += 1
    _max_attempts, lockout = _lockout(session)
    if user.failed_attempts >= MAX_FAILED_LOGINS_ACCOUNT.get(session):
        user.locked_until, user.failed_attempts = now + lockout, 0
    if user.locked_until == now + lockout or _locked_until(
        session, f"user:{user.id}", remote_addr, now
    ):
        record_audit(
            session,
            actor_id=user.id,
            now=now,
            action="login.locked",
            target=f"user:{user.id}",
            details={"purpose": purpose},
            remote_addr=remote_addr,
        )
    session.flush()


def _account_locked_until(
    session: Session, user: User, remote_addr: str | None, now: datetime
) -> datetime | None:
    here = _locked_until(session, f"user:{user.id}", remote_addr, now)
    everywhere = user.locked_until if user.locked_until and user.locked_until > now else None
    return max(filter(None, (here, everywhere)), default=None)


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
    """Return the user or raise ``LoginRefused`` with one message for every refusal.

    The caller commits in both cases so that a failure is remembered.
    """
    refused = LoginRefused(refused_login())
    user = session.scalar(
        select(User).where(func.lower(User.username) == username.strip().lower()[:80])
    )
    if address_throttled(session, remote_addr, now):
        _secret_matches(None, password)
        record_audit(
            session, actor_id=None, now=now, action="login.throttled", remote_addr=remote_addr
        )
        raise refused
    if user is None or user.password_hash is None:
        _secret_matches(None, password)
        # No typed name is kept (it may be a password typed in the wrong field).
        record_audit(
            session, actor_id=None, now=now, action="login.failed", remote_addr=remote_addr
        )
        raise refused
    locked = _account_locked_until(session, user, remote_addr, now)
    matches = _secret_matches(user.password_hash, password)
    if locked:
        record_audit(
            session,
            actor_id=user.id,
            now=now,
            action="login.refused_locked",
            target=f"user:{user.id}",
            remote_addr=remote_addr,
        )
        raise refused
    if not matches:
        _register_failure(session, user, now, remote_addr)
        raise refused
    if not user.is_enabled:
        record_audit(
            session,
            actor_id=user.id,
            now=now,
            action="login.refused_disabled",
            target=f"user:{user.id}",
            remote_addr=remote_addr,
        )
        raise refused
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


def _locked_message(locked_until: datetime, now: datetime) -> str:
    minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
    return _(
        "Trop d'essais manqués : badge bloqué pendant encore %(m)d minute(s). "
        "Un·e administrateur·rice peut le débloquer.",
        m=minutes,
    )


def verify_badge_and_pin(
    session: Session,
    badge: str,
    pin: str,
    now: datetime,
    remote_addr: str | None = None,
    purpose: str = "login",
) -> User:
    """The person holding ``badge`` who knows its PIN, or ``LoginRefused``.

    Every refusal is audited and counts towards the lock-out like a failed login (the caller
    commits in both cases, so a failure is remembered). An unknown badge, a wrong PIN and a
    disabled account get the same message and take the same time; an unknown badge is locked
    out exactly as a real one would be, so the lock-out reveals nothing either.
    """
    code = normalise_badge(badge)[:32]
    if address_throttled(session, remote_addr, now):
        _secret_matches(None, pin)
        record_audit(
            session,
            actor_id=None,
            now=now,
            action="login.throttled",
            details={"purpose": purpose},
            remote_addr=remote_addr,
        )
        raise LoginRefused(_locked_message(now + _lockout(session)[1], now))
    user = find_user_by_badge(session, code) if code else None
    if user is None or user.pin_hash is None:
        locked_until = _locked_until(session, f"badge:{code}", remote_addr, now)
        if locked_until:
            raise LoginRefused(_locked_message(locked_until, now))
        _secret_matches(None, pin)
        record_audit(
            session,
            actor_id=None,
            now=now,
            action=UNKNOWN_BADGE_ACTION,
            target=f"badge:{code}",
            details={"purpose": purpose},
            remote_addr=remote_addr,
        )
        raise LoginRefused(wrong_badge_or_pin())
    locked_until = _account_locked_until(session, user, remote_addr, now)
    if locked_until:
        record_audit(
            session,
            actor_id=user.id,
            now=now,
            action="login.refused_locked",
            target=f"user:{user.id}",
            details={"purpose": purpose},
            remote_addr=remote_addr,
        )
        raise LoginRefused(_locked_message(locked_until, now))
    if not _secret_matches(user.pin_hash, pin.strip()):
        _register_failure(session, user, now, remote_addr, purpose)
        raise LoginRefused(wrong_badge_or_pin())
    if not user.is_enabled:
        record_audit(
            session,
            actor_id=user.id,
            now=now,
            action="login.refused_disabled",
            target=f"user:{user.id}",
            details={"purpose": purpose},
            remote_addr=remote_addr,
        )
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
    record_audit(
        session, actor_id=actor_id, now=now, action="user.unlocked", target=f"user:{user.id}"
    )
    session.flush()


def set_user_enabled(
    session: Session, actor_id: int, now: datetime, user: User, enabled: bool
) -> None:
    if user.id == actor_id and not enabled:
        raise InvalidUserData(_("Vous ne pouvez pas désactiver votre propre compte."))
    user.is_enabled = enabled
    user.end_sessions()
    if enabled:
        user.failed_attempts, user.locked_until = 0, None
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="user.enabled" if enabled else "user.disabled",
        target=f"user:{user.id}",
    )
    session.flush()


def reset_pin(session: Session, actor_id: int, now: datetime, user: User, pin: str) -> None:
    if not PIN_PATTERN.match(pin):
        raise InvalidUserData(_("Le code PIN compte 4 à 6 chiffres."))
    if not user.badge_code:
        user.badge_code = new_badge_code(session)  # a first badge, printed from their page
    user.pin_hash = hash_secret(pin)
    user.failed_attempts = 0
    user.locked_until = None
    user.end_sessions()  # whoever knew the old PIN is logged out everywhere
    record_audit(
        session, actor_id=actor_id, now=now, action="user.pin_reset", target=f"user:{user.id}"
    )
    session.flush()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.display_name)))


def set_role(session: Session, actor_id: int, now: datetime, user: User, role: Role) -> None:
    """A new role: what the person may do changes at once (every session ends)."""
    if user.id == actor_id and role != Role.ADMIN:
        raise InvalidUserData(_("Vous ne pouvez pas retirer votre propre rôle d'admin."))
    if role == Role.CAISSIER and user.password_hash:
        raise InvalidUserData(
            _(
                "Un·e caissier·ère se connecte avec son badge et son code "
                "PIN, sans mot de passe : créez-lui un compte à badge."
            )
        )
    if role != Role.CAISSIER and not user.username:
        raise InvalidUserData(
            _(
                "Ce rôle se connecte avec un identifiant et un mot de passe : "
                "ce compte n'a qu'un badge."
            )
        )
    user.role = role
    user.end_sessions()
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="user.role_changed",
        target=f"user:{user.id}",
        details={"role": role.value},
    )
    session.flush()


def reset_password(
    session: Session, actor_id: int, now: datetime, user: User, password: str
) -> None:
    if not user.username:
        raise InvalidUserData(_("Ce compte se connecte avec un badge, pas un mot de passe."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUserData(
            _("Le mot de passe doit faire au moins %(n)d caractères.", n=MIN_PASSWORD_LENGTH)
        )
    user.password_hash = hash_secret(password)
    user.failed_attempts, user.locked_until = 0, None
    user.end_sessions()  # whoever knew the old password is logged out everywhere
    record_audit(
        session,
        actor_id=actor_id,
        now=now,
        action="user.password_changed",
        target=f"user:{user.id}",
    )
    session.flush()


def change_own_secret(
    session: Session, user: User, now: datetime, current: str, new: str, kind: str
) -> None:
    """A person changes their own password (or PIN), knowing the current one. Their other
    sessions end; the caller opens this one again."""
    stored = user.password_hash if kind == "password" else user.pin_hash
    if not stored or not _secret_matches(stored, current):
        raise InvalidUserData(
            _("Le mot de passe actuel est faux.")
            if kind == "password"
            else _("Le code PIN actuel est faux.")
        )
    if kind == "password":
        reset_password(session, user.id, now, user, new)
    else:
        reset_pin(session, user.id, now, user, new)
