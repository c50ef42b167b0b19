"""The audit log, readable by CCAS management: searched by person, action and dates, by page.

It shows who did what, when, on which record (by its number): never the content of a file.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import (
    PAGE_SIZE,
    AuditQuery,
    audit_action_names,
    describe_action,
    search_audit,
)
from app.extensions import db
from app.sites.context import colleague_ids
from app.users.auth import require_permission
from app.users.models import User
from app.users.roles import Permission
from app.values import arg_date

blueprint = Blueprint("audit", __name__)


@blueprint.route("/admin/audit")
@require_permission(Permission.AUDIT_VIEW)
def audit_log():
    action = request.args.get("action", "").strip()[:64] or None
    query = AuditQuery(
        actor_id=request.args.get("qui", 0, type=int) or None,
        action=action,
        first_day=arg_date("du", _("Du"), None),
        last_day=arg_date("au", _("Au"), None),
        page=max(1, min(request.args.get("page", 1, type=int), 100_000)),
        colleagues=frozenset(colleague_ids()),
    )
    entries, total = search_audit(db.session, query)
    users = db.session.execute(
        select(User.id, User.display_name)
        .where(User.id.in_(query.colleagues))
        .order_by(User.display_name)
    ).all()
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    filters = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "admin/audit.html",
        entries=entries,
        actors=dict(users),
        users=users,
        query=query,
        actions=audit_action_names(db.session),
        describe_action=describe_action,
        total=total,
        pages=pages,
        filters=filters,
    )
