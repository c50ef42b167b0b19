"""The sites of the person making the request, and the one they work at now (chosen in the
header when they have several; the till page sets it to its till's)."""

from __future__ import annotations

from flask import abort, g, session
from flask_login import current_user

from app.extensions import db
from app.sites.services import sites_of

CHOSEN = "site_id"  # the session's key


def user_site_ids() -> list[int]:
    """The sites the logged-in person is given (none for an anonymous request)."""
    if "site_ids" not in g:
        if not current_user.is_authenticated:
            g.site_ids = []
        else:  # read with the person at the start of the request (app.users.auth)
            loaded = getattr(current_user, "loaded_site_ids", None)
            g.site_ids = loaded if loaded is not None else sites_of(db.session, current_user.id)
    return g.site_ids


def colleague_ids() -> set[int]:
    """The people who work at one of the person's sites (the only ones they may see)."""
    from sqlalchemy import select

    from app.sites.models import user_sites

    return set(
        db.session.scalars(
            select(user_sites.c.user_id).where(user_sites.c.site_id.in_(user_site_ids()))
        )
    )


def current_site_id() -> int:
    """The site the person works at now: the one chosen if it is theirs, else their first;
    a person given no site reaches nothing that belongs to one."""
    ids = user_site_ids()
    if not ids:
        abort(403)
    chosen = session.get(CHOSEN)
    return chosen if chosen in ids else ids[0]


def choose_site(site_id: int) -> bool:
    """Work at ``site_id`` from now on, if it is one of the person's sites."""
    if site_id not in user_site_ids():
        return False
    session[CHOSEN] = site_id
    return True


def register_site_scope(flask_app) -> None:
    """Each request of a logged-in person sees their sites only (``app.sites.scope``)."""
    from flask_login import current_user as person

    from app.sites.scope import limit_to, unlimited

    @flask_app.before_request
    def _limit_the_request_to_its_sites():
        if person.is_authenticated:
            mine = user_site_ids()
            chosen = session.get(CHOSEN)
            current = chosen if chosen in mine else (mine[0] if mine else None)
            limit_to(db.session(), current, mine)

    @flask_app.teardown_request
    def _forget_the_scope(_error):
        unlimited(db.session())
