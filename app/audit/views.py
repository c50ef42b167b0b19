"""The audit log, readable by CCAS management."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from app.audit.services import describe_action, list_recent_audit
from app.extensions import db
from app.users.auth import require_permission
from app.users.models import User
from app.users.roles import Permission

blueprint = Blueprint("audit", __name__)


@blueprint.route("/admin/audit")
@require_permission(Permission.AUDIT_VIEW)
def audit_log():
    entries = list_recent_audit(db.session)
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    actors = {
        u.id: u.display_name
        for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))
    }
    return render_template(
        "admin/audit.html", entries=entries, actors=actors, describe_action=describe_action
    )
