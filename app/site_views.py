"""Administration → Structure: the site's identity printed on every receipt (name, address,
SIRET, VAT regime) and the receipt's closing lines, edited after `caisse init`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record_audit
from app.clock import utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.settings.services import FOOTER_LINES, get_setting, set_setting
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import InvalidValue, parse_siret, parse_text

blueprint = Blueprint("site", __name__)


@blueprint.route("/admin/structure", methods=["GET", "POST"])
@require_permission(Permission.USERS_MANAGE)
def identity():
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            name = parse_text(request.form.get("name"), _("Nom de la structure"),
                              max_length=120, required=True)
            address = parse_text(request.form.get("address"), _("Adresse"), max_length=200,
                                 multiline=True)
            footer = parse_text(request.form.get("footer"), _("Bas du ticket"),
                                max_length=300, multiline=True)
            siret = parse_siret(request.form.get("siret"))
            if len(footer.splitlines()) > FOOTER_LINES:
                raise InvalidValue(_("Bas du ticket : %(n)d lignes au plus.", n=FOOTER_LINES))
        except InvalidValue as error:
            flash(error.message, "error")
            return redirect(url_for(".identity"))
        now = utcnow()
        for key, value in (("shop.name", name), ("shop.address", address),
                           ("shop.siret", siret), ("shop.receipt_footer", footer),
                           ("shop.vat_exempt", request.form.get("vat") != "applicable")):
            set_setting(db.session, key, value, now)
        record_audit(db.session, actor_id=current_user.id, now=now, action="site.identity_changed",
                     target="site")
        db.session.commit()
        flash(_("Structure enregistrée : les prochains tickets l'imprimeront."), "success")
        return redirect(url_for(".identity"))
    return render_template(
        "admin/structure.html", form=EmptyForm(),
        values={key: get_setting(db.session, f"shop.{key}") for key in
                ("name", "address", "siret", "vat_exempt", "receipt_footer")})
