"""Writing and reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.orm import lock_for_update
from app.sites.scope import working_site


def record_audit(
    session: Session,
    *,
    actor_id: int | None,
    now: datetime,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    remote_addr: str | None = None,
    site_id: int | None = None,
) -> None:
    """One audit line. ``site_id``: the site the action concerns (a till's, a lot's); by
    default the site the person works at in this request, none outside a request."""
    if site_id is None:
        site_id = working_site(session)
    # A page that only read so far (a file opened, a list shown) takes SQLite's write lock the
    # waiting way before its audit line, instead of failing on a snapshot another write made
    # stale ("database is locked"). Nothing to do on PostgreSQL, or once the lock is held.
    lock_for_update(session)
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the caller changed goes first, as it always did
    # One prebuilt INSERT, not the unit of work: every write of the product ends here.
    session.execute(
        _INSERT_AUDIT,
        {
            "at": now,
            "actor_id": actor_id,
            "action": action,
            "target": target,
            "details": details or {},
            "remote_addr": remote_addr,
            "site_id": site_id,
        },
    )


_INSERT_AUDIT = insert(AuditEntry.__table__)


def record_read(
    session: Session,
    *,
    actor_id: int | None,
    now: datetime,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> None:
    """A read of people's data (a file opened, a list shown, a card checked), logged in its own
    short transaction once the request is over: a form refused on the same page rolls its
    own changes back, never the line saying who read the file. Outside a request (a script),
    it is written at once."""
    from flask import g, has_request_context

    line = {
        "actor_id": actor_id,
        "now": now,
        "action": action,
        "target": target,
        "details": details,
        "remote_addr": remote_addr,
    }
    if not has_request_context():
        record_audit(session, **line)
        return
    g.setdefault("pending_reads", []).append(line)


def write_pending_reads(session: Session) -> None:
    """Called when a request ends: whatever the page did (committed, rolled back, failed),
    its reads are written and committed on their own."""
    from flask import g

    lines = g.pop("pending_reads", None)
    if not lines:
        return
    session.rollback()  # anything the page left uncommitted is not kept
    for line in lines:
        record_audit(session, **line)
    session.commit()


def forget_audit_details(session: Session, target: str) -> None:
    """Anonymisation: the audit lines about a person (``household:12``) keep who did what and
    when, never what was written."""
    from sqlalchemy import update

    session.execute(update(AuditEntry).where(AuditEntry.target == target).values(details={}))


PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditQuery:
    actor_id: int | None = None
    action: str | None = None  # an action ("login.failed") or a family ("login")
    first_day: date | None = None
    last_day: date | None = None
    page: int = 1
    # The people whose lines not tied to a site are shown (None: everyone's): an admin reads
    # their colleagues' logins and changes, not another site's people.
    colleagues: frozenset[int] | None = None


def search_audit(session: Session, query: AuditQuery) -> tuple[list[AuditEntry], int]:
    """One page of the audit log, newest first, and how many lines match."""
    from sqlalchemy import func, or_

    from app.clock import SHOP_TIMEZONE

    conditions = []
    if query.colleagues is not None:
        conditions.append(
            or_(
                AuditEntry.site_id.is_not(None),
                AuditEntry.actor_id.is_(None),
                AuditEntry.actor_id.in_(query.colleagues),
            )
        )
    if query.actor_id:
        conditions.append(AuditEntry.actor_id == query.actor_id)
    if query.action:
        conditions.append(
            or_(
                AuditEntry.action == query.action,
                AuditEntry.action.startswith(query.action + ".", autoescape=True),
            )
        )
    if query.first_day:
        conditions.append(
            AuditEntry.at >= datetime.combine(query.first_day, time.min, SHOP_TIMEZONE)
        )
    if query.last_day:
        conditions.append(
            AuditEntry.at
            < datetime.combine(query.last_day + timedelta(days=1), time.min, SHOP_TIMEZONE)
        )
    total = session.scalar(select(func.count(AuditEntry.id)).where(*conditions))
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((max(1, query.page) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return list(entries), total


def audit_action_names(session: Session) -> list[str]:
    return sorted(session.scalars(select(AuditEntry.action).distinct()))


def list_recent_audit(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


# French wording of the actions, for the audit page (unknown codes are shown as they are).
ACTION_LABELS = {
    "login.succeeded": "Connexion réussie",
    "login.failed": "Échec de connexion",
    "login.unknown_badge": "Badge inconnu présenté",
    "login.locked": "Compte bloqué après des échecs",
    "login.refused_locked": "Essai sur un compte bloqué",
    "login.refused_disabled": "Essai sur un compte désactivé",
    "approval.granted": "Validation d'encadrant·e donnée (badge et PIN)",
    "approval.refused": "Validation refusée (rôle)",
    "till.sale_abandoned": "Vente jamais confirmée abandonnée",
    "till.override": "Dépassement validé à la caisse",
    "till.refund": "Remboursement",
    "till.cash_movement": "Entrée ou sortie d'espèces",
    "logout": "Déconnexion",
    "user.created": "Compte créé",
    "user.unlocked": "Compte débloqué",
    "user.enabled": "Compte réactivé",
    "user.disabled": "Compte désactivé",
    "user.pin_reset": "Nouveau code PIN",
    "login.throttled": "Connexion refusée (trop d'essais depuis ce poste)",
    "household.viewed": "Dossier de foyer ouvert",
    "household.list_viewed": "Liste des foyers affichée",
    "household.card_checked": "Carte de foyer lue à la caisse",
    "household.card_printed": "Carte de foyer imprimée",
    "household.anonymised": "Dossier de foyer anonymisé",
    "participant.viewed": "Dossier de participant·e ouvert",
    "participant.list_viewed": "Liste des participant·es affichée",
    "participant.anonymised": "Dossier de participant·e anonymisé",
    "labels.printer_changed": "Imprimante d'étiquettes réglée",
    "till.printer_changed": "Imprimante de caisse réglée",
}


def describe_action(action: str) -> str:
    return ACTION_LABELS.get(action, action)
