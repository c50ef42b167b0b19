"""The inalterable journal's chain: every validated ticket, refund, duplicata and cash-session
event is appended in one gap-free sequence, each entry chained to the previous one:
``hash = sha256(previous_hash + canonical_json(payload))``. The first entry chains from
``GENESIS_HASH`` = sha256("Caisse Solidaire — journal inaltérable"). Validated documents and
entries refuse any change (a correction is a new document)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from app.users.models import User
from pos.journal.head import note_append
from pos.models import JournalEntry, JournalHead, Sale, SaleKind, Till

GENESIS_HASH = hashlib.sha256("Caisse Solidaire — journal inaltérable".encode()).hexdigest()


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(previous_hash: str, payload_json: str) -> str:
    return hashlib.sha256((previous_hash + payload_json).encode("utf-8")).hexdigest()


_HEAD = JournalHead.__table__
_ENTRIES = JournalEntry.__table__


def append_entry(
    session: Session, kind: str, at: datetime, payload: dict, reference: str | None = None
) -> str:
    """Append one entry and return its hash; the head row is locked while appending, so
    sequences never repeat nor skip (plain statements: this is on every ticket's path)."""
    last_sequence, last_hash = session.execute(
        select(_HEAD.c.last_sequence, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
    ).one()
    if last_sequence == 0:  # each database's journal is its own, even two made the same day
        payload = {**payload, "database_id": uuid.uuid4().hex}
    body = canonical_json({"kind": kind, "at": at.astimezone(UTC).isoformat(), **payload})
    digest = chain_hash(last_hash, body)
    session.execute(
        insert(_ENTRIES).values(
            sequence=last_sequence + 1,
            kind=kind,
            at=at,
            payload=body,
            reference=reference,
            previous_hash=last_hash,
            hash=digest,
        )
    )
    session.execute(
        update(_HEAD)
        .where(_HEAD.c.id == 1)
        .values(last_sequence=last_sequence + 1, last_hash=digest)
    )
    note_append(session, last_sequence + 1, digest)  # the marker outside follows at commit
    return digest


def sale_payload(session: Session, sale: Sale) -> dict:
    """The business values of a ticket, in cents, with no database id."""
    till = session.get(Till, sale.till_id)
    operator = session.get(User, sale.operator_id)
    by_rate: dict[str, int] = {}
    for line in sale.lines:
        by_rate[str(line.vat_rate_bp)] = by_rate.get(str(line.vat_rate_bp), 0) + line.amount_cents
    return {
        "ticket": f"{till.code}-{sale.number:06d}",
        "till": till.code,
        "operator": operator.display_name,
        "document": sale.kind.value,
        "created_at": sale.created_at.astimezone(UTC).isoformat(),
        "card": sale.card_code,
        "total_cents": sale.total_cents,
        "reference_total_cents": sale.reference_total_cents,
        "change_cents": sale.change_cents,
        "by_vat_rate_cents": by_rate,
        "lines": [
            [line.label, line.quantity, line.unit_price_cents, line.amount_cents, line.vat_rate_bp]
            for line in sale.lines
        ],
        "payments": [[p.method.value, p.amount_cents] for p in sale.payments],
        "refund_of": (
            f"{till.code}-{session.get(Sale, sale.refund_of_id).number:06d}"
            if sale.refund_of_id
            else None
        ),
    }


def journal_sale(session: Session, sale: Sale) -> str:
    payload = sale_payload(session, sale)
    kind = "refund" if sale.kind == SaleKind.REFUND else "sale"
    return append_entry(session, kind, sale.created_at, {"sale": payload}, payload["ticket"])


class JournaledRecordChanged(Exception):
    """A validated document or a journal entry was about to change: corrections are new
    documents (a refund), never edits."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_journaled_records(session: Session, flush_context, instances) -> None:
    from pos.models import SaleLine, SalePayment

    protected = (Sale, SaleLine, SalePayment, JournalEntry)
    for instance in list(session.dirty) + list(session.deleted):
        if isinstance(instance, protected) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise JournaledRecordChanged(
                f"{type(instance).__name__} validé : il ne peut être ni modifié ni supprimé "
                "(une correction est un nouveau document)."
            )
