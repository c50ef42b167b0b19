"""Verifying the journal: ``verify_journal`` recomputes the chain and rebuilds each ticket's
payload from the sales tables, so a changed amount, date, line or payment method is found and
named; gaps in a till's ticket numbers too."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.sites.models import Site
from pos.journal.chain import _HEAD, GENESIS_HASH, canonical_json, chain_hash, sale_payload
from pos.journal.closures import _verify_closure
from pos.models import JournalEntry, Sale, Till


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    message: str
    site_id: int | None = None  # the site whose chain failed (where to journal the failure)


def _ticket(session: Session, reference: str) -> Sale | None:
    code, _, number = reference.rpartition("-")
    return session.scalar(
        select(Sale)
        .join(Till, Till.id == Sale.till_id)
        .where(Till.code == code, Sale.number == int(number))
    )


def verify_journal(session: Session, site_id: int | None = None) -> Verification:
    """Site ``site_id``'s chain, alone (its size and the others' do not matter to each
    other); None: every site's chain, one after the other, the first fault named with its
    site."""
    session.expire_all()  # compare with what the database holds now, not with cached objects
    if site_id is not None:
        return _verify_site(session, site_id)
    heads = session.execute(
        select(_HEAD.c.site_id, Site.name).join(Site, Site.id == _HEAD.c.site_id).order_by(Site.id)
    ).all()
    results = [(name, _verify_site(session, head_site)) for head_site, name in heads]
    for name, result in results:
        if not result.ok:
            prefix = f"{name} : " if len(results) > 1 else ""
            return Verification(False, result.count, prefix + result.message, result.site_id)
    count = sum(result.count for _name, result in results)
    if len(results) == 1:
        return results[0][1]
    return Verification(
        True,
        count,
        f"Journaux intègres : {count} écriture(s) vérifiée(s) sur {len(results)} sites.",
    )


def _verify_site(session: Session, site_id: int) -> Verification:
    columns = (
        JournalEntry.sequence,
        JournalEntry.kind,
        JournalEntry.payload,
        JournalEntry.reference,
        JournalEntry.previous_hash,
        JournalEntry.hash,
    )
    rows = session.execute(
        select(*columns)
        .where(JournalEntry.site_id == site_id)
        .order_by(JournalEntry.sequence)
        .execution_options(yield_per=10_000)
    )
    try:  # plain rows, streamed (a server-side cursor on PostgreSQL): closed even on a find
        result = _verify_rows(session, rows, site_id)
        return result if result.ok else replace(result, site_id=site_id)
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


def _verify_rows(session: Session, rows, site_id: int) -> Verification:
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
            problem = _verify_closure(session, json.loads(entry.payload), grand_total, site_id)
            if problem:
                return Verification(False, count, f"{where} : {problem}.")
            grand_total = json.loads(entry.payload)["grand_total_cents"]
        previous = entry.hash
        expected_sequence += 1
        count += 1
    problem = _cross_check(session, site_id, count, previous, tickets, kinds)
    if problem:
        return Verification(False, count, problem)
    return Verification(True, count, f"Journal intègre : {count} écriture(s) vérifiée(s).")


def _cross_check(
    session: Session,
    site_id: int,
    count: int,
    last_hash: str,
    tickets: dict[str, _Tickets],
    kinds: dict[str, int],
) -> str | None:
    """What the chain alone cannot see: entries cut off at the end (with the head moved back
    or not), and records that were never journaled (a ticket, a cash movement, a session)."""
    from pos.models import CashMovement, CashSession, SessionStatus

    head_sequence, head_hash = session.execute(
        select(_HEAD.c.last_sequence, _HEAD.c.last_hash).where(_HEAD.c.site_id == site_id)
    ).first() or (0, GENESIS_HASH)  # a site whose chain has not started
    if (head_sequence, head_hash) != (count, last_hash):
        return (
            f"La tête du journal (n° {head_sequence}) ne correspond pas à sa dernière "
            f"écriture (n° {count}) : écriture(s) supprimée(s) à la fin ?"
        )
    site_tills = select(Till.id).where(Till.site_id == site_id)
    sold = dict(  # by the site's own index: the other sites' sales are never read
        session.execute(
            select(Sale.till_id, func.count(Sale.id))
            .where(Sale.site_id == site_id)
            .group_by(Sale.till_id)
        ).all()
    )
    for till in session.scalars(select(Till).where(Till.site_id == site_id).order_by(Till.code)):
        journaled = tickets.get(till.code, _Tickets())
        in_database = sold.get(till.id, 0)
        if in_database != till.last_ticket_number or not journaled.is_one_to(
            till.last_ticket_number
        ):
            numbers = set(session.scalars(select(Sale.number).where(Sale.till_id == till.id)))
            missing = sorted(numbers - _journaled_numbers(session, site_id, till.code))
            named = ", ".join(f"{till.code}-{n:06d}" for n in missing[:5]) or "—"
            return (
                f"Caisse {till.code} : compteur à {till.last_ticket_number}, "
                f"{in_database} ticket(s) en base, {journaled.count} au journal (dernier "
                f"n° {journaled.last}) ; sans écriture : {named}."
            )
    site_sessions = select(CashSession.id).where(CashSession.till_id.in_(site_tills))
    checks = (
        (
            "cash_movement",
            session.scalar(
                select(func.count(CashMovement.id)).where(
                    CashMovement.session_id.in_(site_sessions)
                )
            ),
            "mouvement(s) d'espèces",
        ),
        (
            "session_opened",
            session.scalar(
                select(func.count(CashSession.id)).where(CashSession.till_id.in_(site_tills))
            ),
            "ouverture(s) de caisse",
        ),
        (
            "session_closed",
            session.scalar(
                select(func.count(CashSession.id)).where(
                    CashSession.till_id.in_(site_tills),
                    CashSession.status == SessionStatus.CLOSED,
                )
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


def _journaled_numbers(session: Session, site_id: int, till_code: str) -> set[int]:
    references = session.scalars(
        select(JournalEntry.reference).where(
            JournalEntry.site_id == site_id,
            JournalEntry.kind.in_(("sale", "refund")),
            JournalEntry.reference.like(f"{till_code}-%"),
        )
    )
    return {int(reference.rpartition("-")[2]) for reference in references}
