"""What every household page shares: opening a file (its read logged, 403 when the référent·e
does not follow this household)."""

from __future__ import annotations

from flask import (
    abort,
    request,
)
from flask_login import current_user

from app.clock import utcnow
from app.extensions import db
from participants.errors import NotAllowed
from participants.households.privacy import (
    open_household_file,
)
from participants.models import Household


def open_file(household_id: int) -> Household:
    try:
        return open_household_file(
            db.session, current_user, household_id, utcnow(), request.remote_addr
        )
    except NotAllowed:
        abort(403)


def read_only_file(household_id: int) -> Household:
    """For pages that only show the file (its read is logged when the page is done)."""
    return open_file(household_id)
