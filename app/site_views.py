"""Administration → Structure (the site's identity printed on every receipt) and Administration →
Paramètres (every setting the packages declare), edited after `caisse init`. Each value goes
through its setting's parser; a refused page writes nothing; each change is audited."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.clock import utcnow
from app.extensions import db
from app.forms import EmptyForm, require_csrf
from app.settings.core import (
    SHOP_ADDRESS,
    SHOP_NAME,
    SHOP_RECEIPT_FOOTER,
    SHOP_SIRET,
    SHOP_VAT_EXEMPT,
)
from app.settings.registry import groups
from app.settings.services import group_refusals, read_settings_form, save_settings
from app.users.auth import require_permission
from app.users.roles import Permission

blueprint = Blueprint("site", __name__)

# The Structure page's fields and the settings they hold.
IDENTITY_FIELDS = {
    "name": SHOP_NAME,
    "address": SHOP_ADDRESS,
    "siret": SHOP_SIRET,
    "footer": SHOP_RECEIPT_FOOTER,
}


def _saved(values) -> int:
    changed = save_settings(
        db.session, values, actor_id=current_user.id, now=utcnow(), remote_addr=request.remote_addr
    )
    db.session.commit()
    return len(changed)


@blueprint.route("/admin/structure", methods=["GET", "POST"])
@require_permission(Permission.SETTINGS_MANAGE)
def identity():
    if request.method == "POST":
        require_csrf()
        posted = {spec.key: request.form.get(name, "") for name, spec in IDENTITY_FIELDS.items()}
        posted[SHOP_VAT_EXEMPT.key] = "0" if request.form.get("vat") == "applicable" else "1"
        values, errors = read_settings_form(posted, [*IDENTITY_FIELDS.values(), SHOP_VAT_EXEMPT])
        if errors:
            for message in errors.values():
                flash(message, "error")
            return redirect(url_for(".identity"))
        _saved(values)
        flash(_("Structure enregistrée : les prochains tickets l'imprimeront."), "success")
        return redirect(url_for(".identity"))
    return render_template(
        "admin/structure.html",
        form=EmptyForm(),
        values={name: spec.get(db.session) for name, spec in IDENTITY_FIELDS.items()},
        vat_exempt=SHOP_VAT_EXEMPT.get(db.session),
    )


@blueprint.route("/admin/parametres", methods=["GET", "POST"])
@require_permission(Permission.SETTINGS_MANAGE)
def settings():
    editable = [spec for group in groups() for spec in group.settings if spec.edited_on is None]
    errors: dict[str, str] = {}
    if request.method == "POST":
        require_csrf()
        values, errors = read_settings_form(request.form, editable)
        if not errors:
            errors = group_refusals(db.session, values)
        if not errors:
            count = _saved(values)
            flash(
                _("%(n)d paramètre(s) modifié(s).", n=count) if count else _("Rien n'a changé."),
                "success",
            )
            return redirect(url_for(".settings"))
    return render_template(
        "admin/settings.html",
        form=EmptyForm(),
        groups=groups(),
        errors=errors,
        posted=request.form if errors else None,
        current={spec.key: spec.get(db.session) for group in groups() for spec in group.settings},
    ), 422 if errors else 200
