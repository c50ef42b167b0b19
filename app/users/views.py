"""Login by password or badge, logout, and user management for CCAS management."""

from __future__ import annotations

import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.audit.services import record_audit, record_read
from app.clock import utcnow
from app.extensions import db
from app.forms import EmptyForm, submitted
from app.settings.core import SHOP_NAME
from app.sites.context import colleague_ids, current_site_id, user_site_ids
from app.sites.models import Site
from app.sites.services import give_sites, sites_of
from app.urls import safe_local_path
from app.users import accounts
from app.users.auth import require_permission
from app.users.errors import InvalidUserData, UserError
from app.users.forms import (
    BadgeLoginForm,
    LoginForm,
    NewUserForm,
    PasswordResetForm,
    PinResetForm,
    RoleForm,
    SecretChangeForm,
)
from app.users.login import authenticate_badge, authenticate_password
from app.users.models import User
from app.users.roles import ROLE_LABELS, Permission
from app.values import InvalidValue, parse_integer

blueprint = Blueprint("users", __name__)


def _start_session(user: User) -> None:
    session.clear()  # a fresh session on login (no fixation)
    login_user(user)
    session.permanent = True


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate_password(
                db.session, form.username.data, form.password.data, utcnow(), request.remote_addr
            )
        except UserError as error:
            db.session.commit()  # remember the failed attempt
            flash(error.message, "error")
            return render_template("users/login.html", form=form), 401
        db.session.commit()
        _start_session(user)
        return redirect(safe_local_path(request.args.get("next"), url_for("main.home")))
    return render_template("users/login.html", form=form)


@blueprint.route("/login/badge", methods=["GET", "POST"])
def badge_login():
    form = BadgeLoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate_badge(
                db.session, form.badge.data, form.pin.data, utcnow(), request.remote_addr
            )
        except UserError as error:
            db.session.commit()  # remember the failed attempt
            flash(error.message, "error")
            form.badge.data = ""  # back to step 1, whatever went wrong (the page tells nothing)
            return render_template("users/badge_login.html", form=form), 401
        db.session.commit()
        _start_session(user)
        if user.can(Permission.TILL_SELL):
            # Back to the till the session ended under (its cart and pending sale are kept).
            return redirect(safe_local_path(request.args.get("next"), url_for("pos.till")))
        return redirect(url_for("main.home"))
    return render_template("users/badge_login.html", form=form)


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    from_till = request.form.get("from") == "till"
    record_audit(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="logout",
        target=f"user:{current_user.id}",
    )
    # A copy of this session's cookie (another tab, a captured cookie) dies with it: the
    # account's session version moves on, so every session opened before is over.
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté·e. À bientôt !"), "info")
    return redirect(url_for("users.badge_login" if from_till else "users.login"))


@blueprint.route("/admin/users")
@require_permission(Permission.USERS_MANAGE)
def list_users():
    return render_template(
        "users/list.html",
        users=[u for u in accounts.list_users(db.session) if u.id in colleague_ids()],
        role_labels=ROLE_LABELS,
        action_form=EmptyForm(),
        now=utcnow(),
    )


@blueprint.route("/admin/users/new", methods=["GET", "POST"])
@require_permission(Permission.USERS_MANAGE)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        data = accounts.NewUser(
            display_name=form.display_name.data,
            role=form.selected_role(),
            username=form.username.data or None,
            password=form.password.data or None,
            badge_code=form.badge_code.data or None,
            pin=form.pin.data or None,
            site_ids=(current_site_id(),),  # where the admin works now: other sites on its page
        )
        try:
            user = accounts.create_user(db.session, current_user.id, utcnow(), data)
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
            return render_template("users/new.html", form=form), 422
        db.session.commit()
        flash(_("Compte créé pour %(name)s.", name=user.display_name), "success")
        return redirect(url_for("users.edit_user", user_id=user.id))  # its badge to print
    status = 422 if form.is_submitted() else 200
    return render_template("users/new.html", form=form), status


def _user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if user.id not in colleague_ids():
        abort(404)
    return user


@blueprint.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@require_permission(Permission.USERS_MANAGE)
def unlock_user(user_id: int):
    if EmptyForm().validate_on_submit():
        user = _user_or_404(user_id)
        accounts.unlock_user(db.session, current_user.id, utcnow(), user)
        db.session.commit()
        flash(_("%(name)s peut de nouveau se connecter.", name=user.display_name), "success")
    return redirect(url_for("users.list_users"))


@blueprint.route("/admin/users/<int:user_id>/enabled", methods=["POST"])
@require_permission(Permission.USERS_MANAGE)
def toggle_user(user_id: int):
    if EmptyForm().validate_on_submit():
        user = _user_or_404(user_id)
        try:
            accounts.set_user_enabled(
                db.session, current_user.id, utcnow(), user, not user.is_enabled
            )
        except UserError as error:
            flash(error.message, "error")
            return redirect(url_for("users.list_users"))
        db.session.commit()
        flash(_("Compte mis à jour."), "success")
    return redirect(url_for("users.list_users"))


@blueprint.route("/admin/users/<int:user_id>/pin", methods=["GET", "POST"])
@require_permission(Permission.USERS_MANAGE)
def reset_pin(user_id: int):
    user = _user_or_404(user_id)
    form = PinResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_pin(db.session, current_user.id, utcnow(), user, form.pin.data)
        except UserError as error:
            flash(error.message, "error")
            return render_template("users/pin.html", form=form, user=user), 422
        db.session.commit()
        flash(_("Nouveau code PIN enregistré pour %(name)s.", name=user.display_name), "success")
        return redirect(url_for("users.edit_user", user_id=user.id))
    return render_template("users/pin.html", form=form, user=user)


@blueprint.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require_permission(Permission.USERS_MANAGE)
def edit_user(user_id: int):
    """Change a person's role, or give them a new password."""
    user = _user_or_404(user_id)
    if request.method == "POST":
        action = request.form.get("action")
        forms = {
            "role": RoleForm,
            "badge": EmptyForm,
            "password": PasswordResetForm,
            "sites": EmptyForm,
        }
        if action not in forms:
            abort(400)
        form = forms[action]()
        if not submitted(form):
            return redirect(url_for("users.edit_user", user_id=user.id))
        now = utcnow()
        try:
            if action == "role":
                accounts.set_role(db.session, current_user.id, now, user, form.role.data)
                message = _("Rôle de %(n)s : %(r)s.", n=user.display_name, r=ROLE_LABELS[user.role])
            elif action == "sites":
                message = _give_sites(user, request.form.getlist("sites"))
            elif action == "badge":
                code = accounts.replace_badge(db.session, current_user.id, now, user)
                message = _(
                    "Nouveau badge n° %(c)s pour %(n)s : l'ancien ne marche plus. "
                    "Imprimez-le ci-dessous.",
                    c=code,
                    n=user.display_name,
                )
            else:
                accounts.reset_password(db.session, current_user.id, now, user, form.password.data)
                message = _(
                    "Nouveau mot de passe pour %(n)s (ses sessions sont fermées).",
                    n=user.display_name,
                )
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("users.edit_user", user_id=user.id))
        db.session.commit()
        if user.id == current_user.id:
            _start_session(user)  # one's own change keeps this session open
        flash(message, "success")
        return redirect(url_for("users.edit_user", user_id=user.id))
    mine = user_site_ids()
    return render_template(
        "users/edit.html",
        user=user,
        form=EmptyForm(),
        roles=ROLE_LABELS,
        sites=db.session.execute(
            select(Site.id, Site.name).where(Site.id.in_(mine)).order_by(Site.id)
        ).all(),
        user_sites=set(sites_of(db.session, user.id)),
    )


def _give_sites(user: User, posted: list[str]) -> str:
    """The sites ticked among the admin's own (the person's others stay): one at least."""
    mine = set(user_site_ids())
    try:
        ticked = {parse_integer(value, _("Site"), minimum=1) for value in posted}
    except InvalidValue as error:
        raise InvalidUserData(error.message) from None
    kept = (set(sites_of(db.session, user.id)) - mine) | (ticked & mine)
    if not kept:
        raise InvalidUserData(_("Une personne travaille sur un site au moins."))
    give_sites(db.session, user.id, kept)
    return _("Sites de %(n)s enregistrés.", n=user.display_name)


@blueprint.route("/admin/users/<int:user_id>/badge")
@require_permission(Permission.USERS_MANAGE)
def print_badge(user_id: int):
    """The person's badge, card-sized, to print and slip into a badge holder (never the PIN)."""
    user = _user_or_404(user_id)
    if not user.badge_code:
        flash(
            _(
                "%(n)s n'a pas de badge : donnez-lui un code PIN, un numéro de badge est créé.",
                n=user.display_name,
            ),
            "error",
        )
        return redirect(url_for("users.edit_user", user_id=user.id))
    record_read(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="user.badge_printed",
        target=f"user:{user.id}",
        remote_addr=request.remote_addr,
    )
    return render_template(
        "users/badge.html",
        user=user,
        role=ROLE_LABELS[user.role],
        shop=SHOP_NAME.get(db.session),
        barcode=base64.b64encode(accounts.badge_barcode_svg(user.badge_code).encode()).decode(),
    )


@blueprint.route("/compte", methods=["GET", "POST"])
@login_required
def my_account():
    """Each person changes their own password (staff) or PIN (badge)."""
    user = current_user._get_current_object()
    if request.method == "POST":
        kind = "password" if request.form.get("action") == "password" else "pin"
        form = SecretChangeForm()
        if not submitted(form):
            return redirect(url_for("users.my_account"))
        try:
            accounts.change_own_secret(
                db.session, user, utcnow(), form.current.data, form.new.data, kind
            )
        except UserError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("users.my_account"))
        db.session.commit()
        _start_session(user)  # this session goes on; the others are closed
        flash(_("Mot de passe changé.") if kind == "password" else _("Code PIN changé."), "success")
        return redirect(url_for("users.my_account"))
    return render_template("users/account.html", user=user, form=EmptyForm())
