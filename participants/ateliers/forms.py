"""Reading the ateliers' hand-made forms (plannings, roll calls): each value through a parser
with bounds, a French message naming the field; and the lookups every atelier page shares."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.forms import apply_change
from app.users.roles import Permission
from app.values import (
    InvalidValue,
    arg_date,
    form_date,
    parse_integer,
)
from participants.ateliers.common import (
    parse_clock,
)
from participants.ateliers.people import (
    STATUS_LABELS,
    open_participant_file,
)
from participants.errors import InvalidData
from participants.models import (
    Atelier,
    AttendanceStatus,
    Participant,
)

PEOPLE = (Permission.CONTRACTS_MANAGE, Permission.ATELIERS_MANAGE)
STATUS_LABELS = STATUS_LABELS
ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: "Présent·e",
    AttendanceStatus.JUSTIFIED: "Absence justifiée",
    AttendanceStatus.UNJUSTIFIED: "Absence non justifiée",
}
SOURCE_LABELS = {"appel": "appel", "caisse": "caisse", "jardin": "jardin"}
SLOT_ROWS = 8


def _date(name: str, label: str, required: bool = True) -> date | None:
    try:
        return form_date(name, label, required=required)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _int(raw: str | None, label: str, maximum: int = 10_000) -> int:
    try:
        return parse_integer(raw, label, maximum=maximum)
    except InvalidValue as error:
        raise InvalidData(error.message) from None


def _hours(raw: str | None, label: str) -> int:
    """ "9", "2,5", "9:30", "9 h 30" → minutes (integers only), a day at most."""
    text = (raw or "").strip().replace(",", ".")
    whole, dot, fraction = text.partition(".")
    minutes = None
    if (
        whole.isascii()
        and whole.isdigit()
        and dot
        and fraction.isascii()
        and fraction.isdigit()
        and len(whole) <= 2
        and len(fraction) <= 2
    ):
        minutes = int(whole) * 60 + (int(fraction) * 60) // 10 ** len(fraction)
    elif len(text) <= 12:
        minutes = parse_clock(text)
    if minutes is None or not 0 <= minutes <= 24 * 60:
        raise InvalidData(_("%(f)s : durée invalide (ex. 9, 9:30 ou 15 h).", f=label))
    return minutes


def _choice(enum, name: str, message: str):
    try:
        return enum(request.form.get(name, ""))
    except ValueError:
        raise InvalidData(message) from None


def _apply(change) -> bool:
    return apply_change(change, InvalidData)


def _participant_or_404(participant_id: int) -> Participant:
    participant = open_participant_file(
        db.session, current_user, participant_id, utcnow(), request.remote_addr
    )
    if participant is None:
        abort(404)
    return participant


def _atelier_or_404(code: str) -> Atelier:
    atelier = db.session.scalar(select(Atelier).where(Atelier.code == code))
    if atelier is None:
        abort(404)
    return atelier


def _day_arg(name: str, default: date) -> date:
    return arg_date(name, _("Date"), default)
