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

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.users.models import User
from pos.journal.head import note_append
from pos.models import JournalEntry, JournalHead, PaymentMethod, Sale, SaleKind, Till

GENESIS_HASH = hashlib.sha256("Caisse Solidaire — journal inaltérable".encode()).hexdigest()


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(previous_hash: str, payload_json: str) -> str:
    return hashlib.sha256((previous_hash + payload_json).encode("utf-8")).hexdigest()


_HEAD = JournalHead.__table__
_ENTRIES = JournalEntry.__table__
# Built once: on every ticket's path, building a statement costs more than running it.
_READ_HEAD = (
    select(_HEAD.c.last_sequence, _HEAD.c.last_hash)
    .where(_HEAD.c.site_id == bindparam("site_id"))
    .with_for_update()
)
_INSERT_ENTRY = insert(_ENTRIES)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.site_id == bindparam("head_site_id"))
    .values(last_sequence=bindparam("sequence"), last_hash=bindparam("digest"))
)


def _start_chain(session: Session, site_id: int) -> None:
    """The head of a site's chain, made once whatever two requests do at the same moment."""
    dialect = session.get_bind().dialect.name
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_HEAD)
    session.execute(
        statement.values(
            site_id=site_id, last_sequence=0, last_hash=GENESIS_HASH
        ).on_conflict_do_nothing(index_elements=["site_id"])
    )


def append_entry(
    session: Session,
    kind: str,
    at: datetime,
    payload: dict,
    reference: str | None = None,
    *,
    site_id: int,
) -> str:
    """Append one entry to the chain of site ``site_id`` and return its hash; the site's head
    row is locked while appending, so its sequences never repeat nor skip (plain statements:
    this is on every ticket's path)."""
    head = session.execute(_READ_HEAD, {"site_id": site_id}).first()
    if head is None:  # the site's first entry starts its chain
        _start_chain(session, site_id)
        head = session.execute(_READ_HEAD, {"site_id": site_id}).one()
    last_sequence, last_hash = head
    if last_sequence == 0:  # each chain is its own, even two started the same day
        payload = {**payload, "database_id": uuid.uuid4().hex}
    body = canonical_json({"kind": kind, "at": at.astimezone(UTC).isoformat(), **payload})
    digest = chain_hash(last_hash, body)
    session.execute(
        _INSERT_ENTRY,
        {
            "site_id": site_id,
            "sequence": last_sequence + 1,
            "kind": kind,
            "at": at,
            "payload": body,
            "reference": reference,
            "previous_hash": last_hash,
            "hash": digest,
        },
    )
    session.execute(
        _MOVE_HEAD, {"head_site_id": site_id, "sequence": last_sequence + 1, "digest": digest}
    )
    note_append(session, site_id, last_sequence + 1, digest)  # the marker follows at commit
    return digest


def sale_payload(
    session: Session,
    sale: Sale,
    *,
    lines: list[tuple[str, int, int, int, int]] | None = None,
    payments: list[tuple[PaymentMethod, int]] | None = None,
) -> dict:
    """The business values of a ticket, in cents, with no database id. ``lines`` (label,
    quantity, unit price, amount, VAT rate) and ``payments`` (method, amount) when the caller
    has just written them, otherwise read from the sale."""
    till = session.get(Till, sale.till_id)
    operator = session.get(User, sale.operator_id)
    if lines is None:
        lines = [
            (line.label, line.quantity, line.unit_price_cents, line.amount_cents, line.vat_rate_bp)
            for line in sale.lines
        ]
    if payments is None:
        payments = [(p.method, p.amount_cents) for p in sale.payments]
    by_rate: dict[str, int] = {}
    for _label, _quantity, _unit, amount, rate in lines:
        by_rate[str(rate)] = by_rate.get(str(rate), 0) + amount
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
        "lines": [list(line) for line in lines],
        "payments": [[method.value, amount] for method, amount in payments],
        "refund_of": (
            f"{till.code}-{session.get(Sale, sale.refund_of_id).number:06d}"
            if sale.refund_of_id
            else None
        ),
        # A sale made offline: both times (its period is the day the server received it).
        **(
            {"made_at": sale.made_at.astimezone(UTC).isoformat(), "offline": True}
            if sale.made_at is not None
            else {}
        ),
    }


def journal_sale(
    session: Session,
    sale: Sale,
    *,
    lines: list[tuple[str, int, int, int, int]] | None = None,
    payments: list[tuple[PaymentMethod, int]] | None = None,
) -> str:
    """Chain a sale or a refund (its lines and payments as ``sale_payload`` takes them)."""
    payload = sale_payload(session, sale, lines=lines, payments=payments)
    kind = "refund" if sale.kind == SaleKind.REFUND else "sale"
    return append_entry(
        session,
        kind,
        sale.created_at,
        {"sale": payload},
        payload["ticket"],
        site_id=session.get(Till, sale.till_id).site_id,
    )


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
