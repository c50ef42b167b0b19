"""What every atelier page shares: who may see people, the labels, the lookups that answer 404,
and how a change is applied (committed, or rolled back with its French reason shown)."""

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
from app.values import arg_date
from participants.ateliers.people import open_participant_file
from participants.errors import InvalidData
from participants.models import Atelier, AttendanceStatus, Participant

PEOPLE = (Permission.CONTRACTS_MANAGE, Permission.ATELIERS_MANAGE)
ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: "Présent·e",
    AttendanceStatus.JUSTIFIED: "Absence justifiée",
    AttendanceStatus.UNJUSTIFIED: "Absence non justifiée",
}
SOURCE_LABELS = {"appel": "appel", "caisse": "caisse", "jardin": "jardin"}


def apply(change) -> bool:
    return apply_change(change, InvalidData)


def participant_or_404(participant_id: int) -> Participant:
    participant = open_participant_file(
        db.session, current_user, participant_id, utcnow(), request.remote_addr
    )
    if participant is None:
        abort(404)
    return participant


def atelier_or_404(code: str) -> Atelier:
    atelier = db.session.scalar(select(Atelier).where(Atelier.code == code))
    if atelier is None:
        abort(404)
    return atelier


def day_arg(name: str, default: date) -> date:
    return arg_date(name, _("Date"), default)
