"""The till page: the operator logged in by badge lands here."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.users.auth import require_permission
from app.users.roles import Permission
from pos.models import Till
from pos.services.sessions import DENOMINATIONS

blueprint = Blueprint("pos", __name__, template_folder="templates", static_folder="static/pos",
                      static_url_path="/static/pos")
TILL_COOKIE = "caisse_till"


@blueprint.route("/till")
@require_permission(Permission.TILL_SELL)
def till():
    """Each browser is one till: chosen once, remembered in a cookie."""
    tills = db.session.scalars(select(Till).where(Till.is_active).order_by(Till.code)).all()
    codes = {t.code: t for t in tills}
    chosen = request.args.get("till") or request.cookies.get(TILL_COOKIE)
    if chosen not in codes:
        return render_template("pos/choose_till.html", tills=tills, operator=current_user)
    response = make_response(render_template(
        "pos/till.html", till=codes[chosen], operator=current_user,
        denominations=DENOMINATIONS,
        can_create_products=current_user.can(Permission.STOCK_MANAGE)))
    response.set_cookie(TILL_COOKIE, chosen, max_age=3600 * 24 * 365, samesite="Lax",
                        httponly=True)
    return response
