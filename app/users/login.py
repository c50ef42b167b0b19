"""Logging in by password or badge and PIN, and locking out repeated failures: per account (or
badge) and computer, per computer across accounts, per account across computers. Every refusal
is audited and says the same thing, so nothing tells which accounts or badges exist."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.audit.services import record_audit
from app.settings.core import (
    LOCKOUT_MINUTES,
    MAX_FAILED_LOGINS,
    MAX_FAILED_LOGINS_ACCOUNT,
    MAX_FAILED_LOGINS_PER_ADDRESS,
)
from app.users.accounts import normalise_badge
from app.users.errors import LoginRefused
from app.users.models import User
from app.users.secrets import secret_matches

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
        secret_matches(None, password)
        record_audit(
            session, actor_id=None, now=now, action="login.throttled", remote_addr=remote_addr
        )
        raise refused
    if user is None or user.password_hash is None:
        secret_matches(None, password)
        # No typed name is kept (it may be a password typed in the wrong field).
        record_audit(
            session, actor_id=None, now=now, action="login.failed", remote_addr=remote_addr
        )
        raise refused
    locked = _account_locked_until(session, user, remote_addr, now)
    matches = secret_matches(user.password_hash, password)
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
        secret_matches(None, pin)
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
        secret_matches(None, pin)
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
    if not secret_matches(user.pin_hash, pin.strip()):
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
