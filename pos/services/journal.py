"""The inalterable journal: every validated ticket, refund, duplicata and cash-session event is
appended in one gap-free sequence, each entry chained to the previous one:
``hash = sha256(previous_hash + canonical_json(payload))``. The first entry chains from
``GENESIS_HASH`` = sha256("Caisse Solidaire — journal inaltérable").

``verify_journal`` recomputes the chain and rebuilds each ticket's payload from the sales
tables, so a changed amount, date, line or payment method is found and named.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.users.models import User
from pos.models import JournalEntry, JournalHead, Sale, SaleKind, Till

GENESIS_HASH = hashlib.sha256("Caisse Solidaire — journal inaltérable".encode()).hexdigest()


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(previous_hash: str, payload_json: str) -> str:
    return hashlib.sha256((previous_hash + payload_json).encode("utf-8")).hexdigest()


def append_entry(session: Session, kind: str, at: datetime, payload: dict,
                 reference: str | None = None) -> JournalEntry:
    """Append one entry; the head row is locked, so sequences never repeat nor skip."""
    head = session.scalar(select(JournalHead).where(JournalHead.id == 1).with_for_update()
                          .execution_options(populate_existing=True))
    body = canonical_json({"kind": kind, "at": at.isoformat(), **payload})
    entry = JournalEntry(sequence=head.last_sequence + 1, kind=kind, at=at, payload=body,
                         reference=reference, previous_hash=head.last_hash,
                         hash=chain_hash(head.last_hash, body))
    session.add(entry)
    session.execute(update(JournalHead).where(JournalHead.id == 1).values(
        last_sequence=entry.sequence, last_hash=entry.hash))
    session.flush()
    session.expire(head)
    return entry


def sale_payload(session: Session, sale: Sale) -> dict:
    """The business values of a ticket, in cents, with no database id."""
    till = session.get(Till, sale.till_id)
    operator = session.get(User, sale.operator_id)
    by_rate: dict[str, int] = {}
    for line in sale.lines:
        by_rate[str(line.vat_rate_bp)] = by_rate.get(str(line.vat_rate_bp), 0) + line.amount_cents
    return {
        "ticket": f"{till.code}-{sale.number:06d}", "till": till.code,
        "operator": operator.display_name, "document": sale.kind.value,
        "created_at": sale.created_at.isoformat(), "card": sale.card_code,
        "total_cents": sale.total_cents, "reference_total_cents": sale.reference_total_cents,
        "change_cents": sale.change_cents, "by_vat_rate_cents": by_rate,
        "lines": [[line.label, line.quantity, line.unit_price_cents, line.amount_cents,
                   line.vat_rate_bp] for line in sale.lines],
        "payments": [[p.method.value, p.amount_cents] for p in sale.payments],
        "refund_of": (f"{till.code}-{session.get(Sale, sale.refund_of_id).number:06d}"
                      if sale.refund_of_id else None),
    }


def journal_sale(session: Session, sale: Sale) -> JournalEntry:
    payload = sale_payload(session, sale)
    kind = "refund" if sale.kind == SaleKind.REFUND else "sale"
    return append_entry(session, kind, sale.created_at, {"sale": payload}, payload["ticket"])


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    message: str


def _ticket(session: Session, reference: str) -> Sale | None:
    code, _, number = reference.rpartition("-")
    return session.scalar(select(Sale).join(Till, Till.id == Sale.till_id).where(
        Till.code == code, Sale.number == int(number)))


def verify_journal(session: Session) -> Verification:
    session.expire_all()  # compare with what the database holds now, not with cached objects
    previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for entry in session.scalars(select(JournalEntry).order_by(JournalEntry.sequence)):
        where = f"Écriture n° {entry.sequence} ({entry.kind}, {entry.reference or '—'})"
        if entry.sequence != expected_sequence:
            return Verification(False, count, f"Écriture n° {expected_sequence} manquante "
                                              f"(supprimée ?) avant la n° {entry.sequence}.")
        if entry.previous_hash != previous:
            return Verification(False, count, f"{where} : chaînage rompu.")
        if chain_hash(previous, entry.payload) != entry.hash:
            return Verification(False, count, f"{where} : contenu modifié dans le journal.")
        if entry.kind in ("sale", "refund"):
            recorded = json.loads(entry.payload)["sale"]
            sale = _ticket(session, entry.reference)
            if sale is None:
                return Verification(False, count, f"{where} : ticket absent de la base.")
            current = json.loads(canonical_json(sale_payload(session, sale)))
            for field, value in recorded.items():
                if current.get(field) != value:
                    return Verification(False, count,
                                        f"{where} : « {field} » ne correspond plus au ticket "
                                        f"enregistré ({value!r} → {current.get(field)!r}).")
        previous = entry.hash
        expected_sequence += 1
        count += 1
    return Verification(True, count, f"Journal intègre : {count} écriture(s) vérifiée(s).")


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
                "(une correction est un nouveau document).")
