"""Administration → Sites (the list, a new site: PostgreSQL only), and the header's choice of
the site a person works at now (when they have several)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.forms import EmptyForm, require_csrf
from app.sites.context import choose_site, current_site_id, user_site_ids
from app.sites.models import Site
from app.sites.services import SiteRefused, create_site, give_sites, sites_of
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import InvalidValue, parse_integer

blueprint = Blueprint("sites", __name__)


@blueprint.route("/admin/sites", methods=["GET", "POST"])
@require_permission(Permission.SETTINGS_MANAGE)
def sites():
    if request.method == "POST":
        require_csrf()
        try:
            site = create_site(
                db.session,
                current_user.id,
                utcnow(),
                request.form.get("code", ""),
                request.form.get("name", ""),
            )
            # The person who made it works there too (to give it tills, people, stock).
            give_sites(
                db.session, current_user.id, [*sites_of(db.session, current_user.id), site.id]
            )
        except SiteRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for(".sites"))
        db.session.commit()
        flash(
            _("Site « %(n)s » créé : donnez-le aux personnes qui y travaillent.", n=site.name),
            "success",
        )
        return redirect(url_for(".sites"))
    mine = set(user_site_ids())
    return render_template(
        "admin/sites.html",
        form=EmptyForm(),
        sites=[s for s in db.session.scalars(select(Site).order_by(Site.id)) if s.id in mine],
        multi_site=db.engine.dialect.name == "postgresql",
    )


@blueprint.post("/site-de-travail")
@login_required
def work_at():
    """The header's « Site » choice: work at another of one's sites."""
    require_csrf()
    try:
        wanted = parse_integer(request.form.get("site", ""), _("Site"), minimum=1)
    except InvalidValue:
        abort(400)
    if not choose_site(wanted):
        abort(403)
    site = db.session.get(Site, wanted)
    flash(_("Vous travaillez maintenant sur le site « %(n)s ».", n=site.name), "success")
    return redirect(url_for("main.home"))


def header_sites() -> dict:
    """For the header: the person's sites (a choice only when there are several)."""
    if not current_user.is_authenticated:
        return {}
    ids = user_site_ids()
    if len(ids) < 2:
        return {}
    names = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_(ids))).all())
    return {"my_sites": [(site, names[site]) for site in ids], "work_site": current_site_id()}
