"""Verifying the journal: ``verify_journal`` recomputes the chain and rebuilds each ticket's
payload from the sales tables, so a changed amount, date, line or payment method is found and
named; gaps in a till's ticket numbers too."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos.journal.chain import _HEAD, GENESIS_HASH, canonical_json, chain_hash, sale_payload
from pos.journal.closures import _verify_closure
from pos.models import JournalEntry, Sale, Till


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    message: str


def _ticket(session: Session, reference: str) -> Sale | None:
    code, _, number = reference.rpartition("-")
    return session.scalar(
        select(Sale)
        .join(Till, Till.id == Sale.till_id)
        .where(Till.code == code, Sale.number == int(number))
    )


def verify_journal(session: Session) -> Verification:
    session.expire_all()  # compare with what the database holds now, not with cached objects
    columns = (
        JournalEntry.sequence,
        JournalEntry.kind,
        JournalEntry.payload,
        JournalEntry.reference,
        JournalEntry.previous_hash,
        JournalEntry.hash,
    )
    rows = session.execute(
        select(*columns).order_by(JournalEntry.sequence).execution_options(yield_per=10_000)
    )
    try:  # plain rows, streamed (a server-side cursor on PostgreSQL): closed even on a find
        return _verify_rows(session, rows)
    finally:
        rows.close()


@dataclass
class _Tickets:
    """What the journal says of one till's tickets (numbers are gap-free: 1, 2, 3…)."""

    count: int = 0
    last: int = 0
    total: int = 0
    squares: int = 0

    def add(self, number: int) -> None:
        self.count += 1
        self.last = max(self.last, number)
        self.total += number
        self.squares += number * number

    def is_one_to(self, last: int) -> bool:
        return (self.count, self.last, self.total, self.squares) == (
            last,
            last,
            last * (last + 1) // 2,
            last * (last + 1) * (2 * last + 1) // 6,
        )


def _verify_rows(session: Session, rows) -> Verification:
    previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    grand_total = 0
    tickets: dict[str, _Tickets] = {}
    kinds: dict[str, int] = {}
    for entry in rows:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
        if entry.kind in ("sale", "refund"):
            till_code, _, number = (entry.reference or "").rpartition("-")
            tickets.setdefault(till_code, _Tickets()).add(int(number or 0))
        where = f"Écriture n° {entry.sequence} ({entry.kind}, {entry.reference or '—'})"
        if entry.sequence != expected_sequence:
            return Verification(
                False,
                count,
                f"Écriture n° {expected_sequence} manquante "
                f"(supprimée ?) avant la n° {entry.sequence}.",
            )
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
                    return Verification(
                        False,
                        count,
                        f"{where} : « {field} » ne correspond plus au ticket "
                        f"enregistré ({value!r} → {current.get(field)!r}).",
                    )
        if entry.kind == "closure_daily":
            problem = _verify_closure(session, json.loads(entry.payload), grand_total)
            if problem:
                return Verification(False, count, f"{where} : {problem}.")
            grand_total = json.loads(entry.payload)["grand_total_cents"]
        previous = entry.hash
        expected_sequence += 1
        count += 1
    problem = _cross_check(session, count, previous, tickets, kinds)
    if problem:
        return Verification(False, count, problem)
    return Verification(True, count, f"Journal intègre : {count} écriture(s) vérifiée(s).")


def _cross_check(
    session: Session,
    count: int,
    last_hash: str,
    tickets: dict[str, _Tickets],
    kinds: dict[str, int],
) -> str | None:
    """What the chain alone cannot see: entries cut off at the end (with the head moved back
    or not), and records that were never journaled (a ticket, a cash movement, a session)."""
    from pos.models import CashMovement, CashSession, SessionStatus

    head_sequence, head_hash = session.execute(
        select(_HEAD.c.last_sequence, _HEAD.c.last_hash).where(_HEAD.c.id == 1)
    ).one()
    if (head_sequence, head_hash) != (count, last_hash):
        return (
            f"La tête du journal (n° {head_sequence}) ne correspond pas à sa dernière "
            f"écriture (n° {count}) : écriture(s) supprimée(s) à la fin ?"
        )
    sold = dict(
        session.execute(select(Sale.till_id, func.count(Sale.id)).group_by(Sale.till_id)).all()
    )
    for till in session.scalars(select(Till).order_by(Till.code)):
        journaled = tickets.get(till.code, _Tickets())
        in_database = sold.get(till.id, 0)
        if in_database != till.last_ticket_number or not journaled.is_one_to(
            till.last_ticket_number
        ):
            numbers = set(session.scalars(select(Sale.number).where(Sale.till_id == till.id)))
            missing = sorted(numbers - _journaled_numbers(session, till.code))
            named = ", ".join(f"{till.code}-{n:06d}" for n in missing[:5]) or "—"
            return (
                f"Caisse {till.code} : compteur à {till.last_ticket_number}, "
                f"{in_database} ticket(s) en base, {journaled.count} au journal (dernier "
                f"n° {journaled.last}) ; sans écriture : {named}."
            )
    checks = (
        (
            "cash_movement",
            session.scalar(select(func.count(CashMovement.id))),
            "mouvement(s) d'espèces",
        ),
        (
            "session_opened",
            session.scalar(select(func.count(CashSession.id))),
            "ouverture(s) de caisse",
        ),
        (
            "session_closed",
            session.scalar(
                select(func.count(CashSession.id)).where(CashSession.status == SessionStatus.CLOSED)
            ),
            "clôture(s) de caisse",
        ),
    )
    for kind, in_database, label in checks:
        if in_database != kinds.get(kind, 0):
            return (
                f"{in_database} {label} en base, {kinds.get(kind, 0)} au journal : "
                "enregistrement(s) sans écriture, ou écriture(s) supprimée(s)."
            )
    return None


def _journaled_numbers(session: Session, till_code: str) -> set[int]:
    references = session.scalars(
        select(JournalEntry.reference).where(
            JournalEntry.kind.in_(("sale", "refund")), JournalEntry.reference.like(f"{till_code}-%")
        )
    )
    return {int(reference.rpartition("-")[2]) for reference in references}
