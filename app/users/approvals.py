"""Approvals: an encadrant·e's badge and PIN, checked like a login, turned into a single-use
token for one action on one till."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.services import record_audit
from app.users.errors import ApprovalRefused, LoginRefused
from app.users.login import verify_badge_and_pin
from app.users.models import Approval, User
from app.users.roles import Permission

# Long enough for a sale validated during a network outage to reach the server that day.
APPROVAL_LIFETIME = timedelta(hours=12)


def canonical_subject(subject: dict | None) -> str | None:
    """What an approval is for, written one way only (sorted keys, no blanks)."""
    if not subject:
        return None
    return json.dumps(subject, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def grant_approval(
    session: Session,
    *,
    badge: str,
    pin: str,
    action: str,
    scope: str,
    requested_by: User,
    now: datetime,
    subject: dict | None = None,
    permission: Permission = Permission.TILL_SUPERVISE,
    remote_addr: str | None = None,
) -> Approval:
    """Check the badge and PIN (failures count towards the lock-out and are audited; the
    caller commits in both cases) and return a token for ``action`` on ``scope``, for exactly
    ``subject`` (the price, total, ticket or amount the encadrant·e saw)."""
    try:
        approver = verify_badge_and_pin(
            session, badge, pin, now, remote_addr, purpose=f"approval:{action}"
        )
    except LoginRefused as error:
        raise ApprovalRefused(error.message) from None
    if not approver.can(permission):
        record_audit(
            session,
            actor_id=approver.id,
            now=now,
            action="approval.refused",
            target=scope,
            details={"action": action, "why": "role", "requested_by": requested_by.id},
            remote_addr=remote_addr,
        )
        raise ApprovalRefused(
            _("Ce badge ne permet pas de valider : il faut celui d'un·e encadrant·e.")
        )
    approver.failed_attempts = 0
    approval = Approval(
        token=secrets.token_hex(24),
        action=action,
        scope=scope,
        approver_id=approver.id,
        requested_by_id=requested_by.id,
        created_at=now,
        expires_at=now + APPROVAL_LIFETIME,
        subject=canonical_subject(subject),
    )
    session.add(approval)
    session.flush()
    record_audit(
        session,
        actor_id=approver.id,
        now=now,
        action="approval.granted",
        target=scope,
        details={
            "action": action,
            "approval": approval.id,
            "requested_by": requested_by.id,
            "subject": approval.subject,
        },
        remote_addr=remote_addr,
    )
    return approval


def use_approval(
    session: Session,
    token: str | None,
    *,
    action: str,
    scope: str,
    used_for: str,
    now: datetime,
    subject: dict | None = None,
    permission: Permission = Permission.TILL_SUPERVISE,
) -> User:
    """The approver behind ``token``, once: for this action and this subject, on this till,
    not expired, and still allowed (an account disabled or locked since then no longer
    approves)."""
    approval = (
        session.scalar(select(Approval).where(Approval.token == (token or "")).with_for_update())
        if token
        else None
    )
    if approval is None or approval.action != action or approval.scope != scope:
        raise ApprovalRefused(
            _(
                "Validation inconnue ou donnée pour une autre opération : "
                "l'encadrant·e doit badger de nouveau."
            ),
            code="approval_invalid",
            status=409,
        )
    if approval.used_at is not None and approval.used_for != used_for:
        raise ApprovalRefused(
            _("Cette validation a déjà servi : l'encadrant·e doit badger de nouveau."),
            code="approval_invalid",
            status=409,
        )
    if approval.subject != canonical_subject(subject):
        raise ApprovalRefused(
            _(
                "Cette validation portait sur autre chose (un autre prix, "
                "montant ou ticket) : l'encadrant·e doit valider ce qui est "
                "à l'écran."
            ),
            code="approval_invalid",
            status=409,
        )
    if approval.expires_at <= now:
        raise ApprovalRefused(
            _("Cette validation a expiré : l'encadrant·e doit badger de nouveau."),
            code="approval_invalid",
            status=409,
        )
    approver = session.get(User, approval.approver_id)
    if (
        approver is None
        or not approver.is_enabled
        or not approver.can(permission)
        or (approver.locked_until and approver.locked_until > now)
    ):
        raise ApprovalRefused(
            _("L'encadrant·e qui a validé n'en a plus le droit : faites valider de nouveau."),
            code="approval_invalid",
            status=409,
        )
    approval.used_at = now
    approval.used_for = used_for
    session.flush()
    return approver
