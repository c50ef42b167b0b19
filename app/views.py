"""The home page: what the logged-in role can do today."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.clock import utcnow
from app.extensions import db
from app.navigation import entries_for
from app.ports import DASHBOARD_CARDS
from app.users.roles import ROLE_LABELS

blueprint = Blueprint("main", __name__)


@blueprint.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("users.login"))


@blueprint.route("/accueil")
@login_required
def home():
    tiles = [e for e in entries_for(current_user) if e.endpoint != "main.home"]
    cards = DASHBOARD_CARDS(db.session, current_user, utcnow())
    return render_template(
        "home.html", tiles=tiles, role_label=ROLE_LABELS[current_user.role], cards=cards
    )


@blueprint.route("/healthz")
def health():
    return {"status": "ok"}
