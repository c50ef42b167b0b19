"""Session handling for Flask-Login and the permission check every protected view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required
from sqlalchemy import bindparam, select

from app.extensions import db
from app.sites.models import user_sites
from app.users.models import User
from app.users.roles import Permission


def configure_login_manager(manager: LoginManager) -> None:
    manager.login_view = "users.login"
    manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    manager.login_message_category = "info"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        # "id.version": a session opened before a logout or a credential change is over.
        identifier, _dot, version = (user_id or "").partition(".")
        if (
            not (
                identifier.isascii()
                and identifier.isdigit()
                and version.isascii()
                and version.isdigit()
            )
            or len(identifier) > 10
        ):
            return None
        # The person and their sites in one query (every request needs both).
        rows = db.session.execute(_USER_AND_SITES, {"user_id": int(identifier)}).all()
        user = rows[0][0] if rows else None
        if user is None or not user.is_enabled or (user.session_version or 0) != int(version):
            return None
        user.loaded_site_ids = [site for _user, site in rows if site is not None]
        return user


_USER_AND_SITES = (
    select(User, user_sites.c.site_id)
    .outerjoin(user_sites, user_sites.c.user_id == User.id)
    .where(User.id == bindparam("user_id"))
    .order_by(user_sites.c.site_id)
)


def require_permission(permission: Permission, *alternatives: Permission) -> Callable:
    """Logged-in users without ``permission`` (or one of the alternatives) get the 403 page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not any(current_user.can(p) for p in (permission, *alternatives)):
                abort(403)
            return view(*args, **kwargs)

        # Read by the route table test (README's « Rôles ») and the authorisation matrix.
        wrapped.required_permissions = (permission, *alternatives)
        return wrapped

    return decorator
