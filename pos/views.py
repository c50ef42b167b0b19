"""The till page: the operator logged in by badge lands here."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.users.auth import require_permission
from app.users.roles import Permission
from pos.models import Till

blueprint = Blueprint("pos", __name__, template_folder="templates")


@blueprint.route("/till")
@require_permission(Permission.TILL_SELL)
def till():
    tills = db.session.scalars(select(Till).where(Till.is_active).order_by(Till.code)).all()
    return render_template("pos/till.html", tills=tills, operator=current_user)
