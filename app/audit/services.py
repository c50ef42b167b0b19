"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.orm import lock_for_update


def record_audit(
    session: Session,
    *,
    actor_id: int | None,
    now: datetime,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEntry:
    # A page that only read so far (a file opened, a list shown) takes SQLite's write lock the
    # waiting way before its audit line, instead of failing on a snapshot another write made
    # stale ("database is locked"). Nothing to do on PostgreSQL, or once the lock is held.
    lock_for_update(session)
    entry = AuditEntry(
        at=now,
        actor_id=actor_id,
        action=action,
        target=target,
        details=details or {},
        remote_addr=remote_addr,
    )
    session.add(entry)
    session.flush()
    return entry


def list_recent_audit(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    )


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
}


def describe_action(action: str) -> str:
    return ACTION_LABELS.get(action, action)
