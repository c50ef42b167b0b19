"""What an encadrant·e must approve at the till, and checking that the approval given is for
exactly that (the price, total, ticket or amount shown)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.users.approvals import use_approval
from app.users.errors import ApprovalRefused
from app.users.models import User
from pos.errors import NeedsApproval


def require_approval(
    session: Session,
    token: str | None,
    *,
    action: str,
    till_code: str,
    subject: dict,
    used_for: str,
    now: datetime,
    message: str,
    **details,
) -> User:
    """The approver, or a refusal telling the till what to have approved (``action`` and
    ``subject`` in the details, so it asks for exactly that and sends the sale again)."""
    if not token:
        raise NeedsApproval(message, action=action, subject=subject, **details)
    try:
        return use_approval(
            session,
            token,
            action=action,
            scope=f"till:{till_code}",
            subject=subject,
            used_for=used_for,
            now=now,
        )
    except ApprovalRefused as error:
        error.details = {"action": action, "subject": subject, **details}
        raise
