"""Accounts: created by CCAS management (staff with a password, till operators with a badge and
a PIN), their badges (made, printed, replaced), roles, passwords and PINs reset, unlocked,
disabled; and each person's own password or PIN."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.barcodes import complete_ean13, is_valid_gs1, repair_azerty_digits
from app.sites.models import FIRST_SITE_ID
from app.sites.services import give_sites
from app.users.errors import InvalidUserData
from app.users.models import User
from app.users.roles import Role
from app.users.secrets import MIN_PASSWORD_LENGTH, PIN_PATTERN, hash_secret, secret_matches


@dataclass(frozen=True)
class NewUser:
    display_name: str
    role: Role
    username: str | None = None
    password: str | None = None
    badge_code: str | None = None
    pin: str | None = None
    site_ids: tuple[int, ...] = (FIRST_SITE_ID,)  # the sites the person works at


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
    give_sites(session, user.id, data.site_ids)
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
    if not stored or not secret_matches(stored, current):
        raise InvalidUserData(
            _("Le mot de passe actuel est faux.")
            if kind == "password"
            else _("Le code PIN actuel est faux.")
        )
    if kind == "password":
        reset_password(session, user.id, now, user, new)
    else:
        reset_pin(session, user.id, now, user, new)
