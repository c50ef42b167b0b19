"""A social worker's pages: the households they follow, their rights and cards."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.services import record_read
from app.clock import shop_date, utcnow
from app.extensions import db
from app.forms import EmptyForm
from app.money import format_cents_plain
from app.sites.context import current_site_id
from app.sites.models import Site
from app.users.auth import require_permission
from app.users.roles import Permission
from app.values import InvalidValue, parse_optional_integer
from participants.errors import ParticipantsError
from participants.households.forms import (
    BODY_LABELS,
    KINSHIP_LABELS,
    SEX_LABELS,
    DecisionForm,
    HouseholdForm,
    ReissueForm,
    RightForm,
)
from participants.households.pages import open_file
from participants.households.privacy import (
    search_households,
)
from participants.households.records import (
    HouseholdData,
    MemberData,
    consumption_units_tenths,
    create_household,
    household_rav_cents,
    set_home_site,
    update_household,
)
from participants.households.rights import (
    RightRequest,
    default_allowance_cents,
    end_right,
    request_right,
    right_on,
)
from participants.models import Kinship, ReferringBody, Sex
from participants.ports import HOUSEHOLD_VISITS
from participants.settings import (
    DEFAULT_RATE_BP,
    ONE_SITE_PER_HOUSEHOLD,
    RAV_THRESHOLD_CENTS,
    RIGHT_DEFAULT_MONTHS,
)
from participants.web import blueprint


def _household_data(form: HouseholdForm) -> HouseholdData:
    members = tuple(
        MemberData(
            entry.first_name.data,
            entry.birth_year.data or 0,
            Sex(entry.sex.data),
            Kinship(entry.kinship.data),
        )
        for entry in form.members
        if (entry.first_name.data or "").strip()
    )
    return HouseholdData(
        display_name=form.display_name.data,
        referring_body=ReferringBody(form.referring_body.data),
        referrer_name=form.referrer_name.data,
        monthly_resources_cents=form.resources.cents,
        monthly_charges_cents=form.charges.cents,
        notes=form.notes.data,
        members=members,
        home_site_id=current_site_id(),
    )


@blueprint.route("/foyers/")
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def households():
    query = request.args.get("q", "")
    found = search_households(db.session, current_user, query)
    record_read(
        db.session,
        actor_id=current_user.id,
        now=utcnow(),
        action="household.list_viewed",
        details={"count": len(found)},
        remote_addr=request.remote_addr,
    )
    today = shop_date(utcnow())
    return render_template(
        "participants/households.html",
        households=found,
        query=query,
        rights={h.id: right_on(h, today) for h in found},
        today=today,
    )


@blueprint.route("/foyers/nouveau", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def new_household():
    form = HouseholdForm()
    if not form.is_submitted():
        form.members[0].kinship.data = Kinship.REFERENCE.value
        for entry in form.members[1:]:
            entry.kinship.data = Kinship.CHILD.value
    form.offer_rows(len(form.members) - 2, more=3 if _more_rows_asked() else 0)
    if not _more_rows_asked() and form.validate_on_submit():
        try:
            household = create_household(
                db.session, current_user.id, utcnow(), _household_data(form)
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Dossier créé pour %(n)s.", n=household.display_name), "success")
            return redirect(url_for(".household", household_id=household.id))
    return render_template(
        "participants/household_form.html",
        form=form,
        household=None,
        labels=(BODY_LABELS, SEX_LABELS, KINSHIP_LABELS),
    ), (422 if form.is_submitted() and not _more_rows_asked() else 200)


def _more_rows_asked() -> bool:
    """« Ajouter des lignes »: the form comes back with three more empty rows, nothing saved."""
    return request.method == "POST" and "more" in request.form


@blueprint.route("/foyers/<int:household_id>/modifier", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def edit_household(household_id: int):
    household = open_file(household_id)
    form = HouseholdForm(obj=household)
    if not form.is_submitted():
        form.referring_body.data = household.referring_body.value
        form.resources.data = format_cents_plain(household.monthly_resources_cents)
        form.charges.data = format_cents_plain(household.monthly_charges_cents)
        form.offer_rows(len(household.members))
        for entry, person in zip(form.members, household.members, strict=False):
            entry.first_name.data = person.first_name
            entry.birth_year.data = person.birth_year
            entry.sex.data = person.sex.value
            entry.kinship.data = person.kinship.value
    else:
        form.offer_rows(len(form.members) - 2, more=3 if _more_rows_asked() else 0)
    if not _more_rows_asked() and form.validate_on_submit():
        try:
            update_household(
                db.session, current_user.id, utcnow(), household, _household_data(form)
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Dossier enregistré."), "success")
            return redirect(url_for(".household", household_id=household.id))
    else:
        db.session.commit()  # the logged read
    return render_template("participants/household_form.html", form=form, household=household)


@blueprint.route("/foyers/<int:household_id>", methods=["GET", "POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def household(household_id: int):
    item = open_file(household_id)
    today = shop_date(utcnow())
    form = RightForm()
    if not form.is_submitted():
        form.starts_on.data = today
        form.months.data = RIGHT_DEFAULT_MONTHS.get(db.session)
        form.rate.data = DEFAULT_RATE_BP.get(db.session) // 100
        form.allowance.data = format_cents_plain(
            default_allowance_cents(db.session, len(item.members))
        )
    if form.validate_on_submit():
        try:
            request_right(
                db.session,
                current_user.id,
                utcnow(),
                item,
                RightRequest(
                    form.starts_on.data,
                    form.months.data,
                    form.rate.data * 100,
                    form.allowance.cents,
                    form.project.data,
                ),
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Demande transmise à la commission d'accès."), "success")
            return redirect(url_for(".household", household_id=item.id))
    db.session.commit()  # keep the logged read even when the form is refused
    year = today.year
    visits = [
        v for code in {c.code for c in item.cards} for v in HOUSEHOLD_VISITS(db.session, code)
    ]
    return render_template(
        "participants/household.html",
        household=item,
        form=form,
        reissue_form=ReissueForm(),
        rav_cents=household_rav_cents(item),
        rav_threshold=RAV_THRESHOLD_CENTS.get(db.session),
        units=consumption_units_tenths([p.birth_year for p in item.members], year),
        year=year,
        current=right_on(item, today),
        labels=(BODY_LABELS, SEX_LABELS, KINSHIP_LABELS),
        visits=sorted(visits, key=lambda v: v.month, reverse=True),
        end_form=DecisionForm(),
        sites=_active_sites(),
        site_form=EmptyForm(),
        one_site=ONE_SITE_PER_HOUSEHOLD.get(db.session),
    )


def _active_sites() -> list[Site]:
    from sqlalchemy import select

    return list(db.session.scalars(select(Site).where(Site.is_active).order_by(Site.id)))


@blueprint.route("/foyers/<int:household_id>/site", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def household_site(household_id: int):
    """The household's home site (« Tous les sites »: none)."""
    item = open_file(household_id)
    if EmptyForm().validate_on_submit():
        try:
            site_id = parse_optional_integer(request.form.get("site"), _("Site"), minimum=1)
            set_home_site(db.session, current_user.id, utcnow(), item, site_id)
        except (ParticipantsError, InvalidValue) as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Site de rattachement enregistré."), "success")
    return redirect(url_for(".household", household_id=item.id))


@blueprint.route("/foyers/<int:household_id>/droits/<int:right_id>/clore", methods=["POST"])
@require_permission(Permission.HOUSEHOLDS_MANAGE)
def close_right(household_id: int, right_id: int):
    item = open_file(household_id)
    right = next((r for r in item.rights if r.id == right_id), None)
    if right is None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            end_right(
                db.session,
                current_user.id,
                utcnow(),
                right,
                shop_date(utcnow()),
                form.note.data or _("clos par le ou la référent·e"),
            )
        except ParticipantsError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Droit clos à la date d'aujourd'hui."), "success")
    return redirect(url_for(".household", household_id=item.id))
