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
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.orm import lock_for_update
from app.users.models import User
from pos.models import JournalEntry, JournalHead, Sale, SaleKind, Till
from pos.services.journal_head import HeadMarker, check_head, note_append

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


# ---- closures -------------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHOP_TIMEZONE)
    return start, start + timedelta(days=1)


def period_totals(session: Session, start: datetime, end: datetime) -> dict:
    """Totals of the tickets created in [start, end): by payment method and VAT rate."""
    sales = session.scalars(
        select(Sale).where(Sale.created_at >= start, Sale.created_at < end).order_by(Sale.id)
    ).all()
    by_method: dict[str, int] = {}
    by_rate: dict[str, int] = {}
    for sale in sales:
        for payment in sale.payments:
            by_method[payment.method.value] = (
                by_method.get(payment.method.value, 0) + payment.amount_cents
            )
        for line in sale.lines:
            key = str(line.vat_rate_bp)
            by_rate[key] = by_rate.get(key, 0) + line.amount_cents
    return {
        "sales": sum(s.kind == SaleKind.SALE for s in sales),
        "refunds": sum(s.kind == SaleKind.REFUND for s in sales),
        "total_cents": sum(s.total_cents for s in sales),
        "by_method_cents": by_method,
        "by_vat_rate_cents": by_rate,
    }


def _last_of_kind(session: Session, kind: str) -> dict | None:
    entry = session.scalar(
        select(JournalEntry)
        .where(JournalEntry.kind == kind)
        .order_by(JournalEntry.sequence.desc())
        .limit(1)
    )
    return json.loads(entry.payload) if entry else None


def close_day(session: Session, day: date, now: datetime) -> str:
    """The daily Z closure, with the perpetual grand total; chained like any entry."""
    previous = _last_of_kind(session, "closure_daily")
    if previous and date.fromisoformat(previous["period"]) >= day:
        raise ValueError(f"day {day} already closed")
    totals = period_totals(session, *_day_bounds(day))
    grand_total = (previous["grand_total_cents"] if previous else 0) + totals["total_cents"]
    return append_entry(
        session,
        "closure_daily",
        now,
        {"period": day.isoformat(), **totals, "grand_total_cents": grand_total},
        f"Z-{day.isoformat()}",
    )


def _roll_up(session: Session, kind: str, source: str, label: str, now: datetime):
    entries = [
        json.loads(e.payload)
        for e in session.scalars(
            select(JournalEntry).where(JournalEntry.kind == source).order_by(JournalEntry.sequence)
        )
    ]
    parts = [e for e in entries if e["period"].startswith(label)]
    if not parts:
        return None
    totals: dict = {
        "sales": 0,
        "refunds": 0,
        "total_cents": 0,
        "by_method_cents": {},
        "by_vat_rate_cents": {},
    }
    for part in parts:
        for key in ("sales", "refunds", "total_cents"):
            totals[key] += part[key]
        for key in ("by_method_cents", "by_vat_rate_cents"):
            for name, value in part[key].items():
                totals[key][name] = totals[key].get(name, 0) + value
    return append_entry(
        session,
        kind,
        now,
        {"period": label, **totals, "grand_total_cents": parts[-1]["grand_total_cents"]},
        f"{kind.removeprefix('closure_')}-{label}",
    )


def lock_journal(session: Session) -> None:
    """Hold the journal's head until the transaction ends, on both databases: what is read
    after this is what the previous writer committed (PostgreSQL: the head row, locked; SQLite:
    the database write lock)."""
    lock_for_update(session)
    session.execute(select(_HEAD.c.id).where(_HEAD.c.id == 1).with_for_update())


def _days_to_close(session: Session, today: date) -> list[date]:
    last = _last_of_kind(session, "closure_daily")
    since = (date.fromisoformat(last["period"]) + timedelta(days=1)) if last else None
    # Only tickets of past days not closed yet: after the day's first sale this is empty.
    query = select(Sale.created_at).where(Sale.created_at < _day_bounds(today)[0])
    if since is not None:
        query = query.where(Sale.created_at >= _day_bounds(since)[0])
    return sorted({moment.astimezone(SHOP_TIMEZONE).date() for moment in session.scalars(query)})


def close_pending_periods(session: Session, today: date, now: datetime) -> int:
    """Close every past day with tickets not yet closed, then finished months and years.

    Called at the first sale of a new day, when a till opens, and by ``caisse journal close``.
    Two tills doing it at once close each day once: the second waits for the first on the
    journal's lock, then finds nothing left to close."""
    if not _days_to_close(session, today):
        return 0  # the usual case, without taking the lock
    lock_journal(session)
    days = _days_to_close(session, today)
    for day in days:
        close_day(session, day, now)
    if days:  # then every finished month, and every finished year, once
        closed_days = [
            json.loads(payload)["period"]
            for payload in session.scalars(
                select(JournalEntry.payload).where(JournalEntry.kind == "closure_daily")
            )
        ]
        for month in sorted({day[:7] for day in closed_days if day[:7] < today.isoformat()[:7]}):
            _close_once(session, "closure_monthly", "closure_daily", month, now)
        for year in sorted({day[:4] for day in closed_days if day[:4] < today.isoformat()[:4]}):
            _close_once(session, "closure_yearly", "closure_monthly", year, now)
    return len(days)


def _close_once(session: Session, kind: str, source: str, label: str, now: datetime) -> None:
    done = session.scalar(
        select(JournalEntry.id).where(
            JournalEntry.kind == kind, JournalEntry.reference.like(f"%-{label}")
        )
    )
    if done is None:
        _roll_up(session, kind, source, label, now)


def _verify_closure(session: Session, payload: dict, previous_grand_total: int) -> str | None:
    if payload["kind"] != "closure_daily":
        return None
    day = date.fromisoformat(payload["period"])
    current = period_totals(session, *_day_bounds(day))
    for field, value in current.items():
        if payload[field] != value:
            return f"« {field} » de la clôture ne correspond plus aux tickets du jour"
    if payload["grand_total_cents"] != previous_grand_total + payload["total_cents"]:
        return "grand total perpétuel discontinu"
    return None


# ---- technical events -----------------------------------------------------------------------


def software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("caisse-solidaire")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "inconnue"


def record_software_version(session: Session, version: str, now: datetime) -> bool:
    """Journal the version the first time it runs (an upgrade or a downgrade is visible)."""
    last = _last_of_kind(session, "software_version")  # the newest entry of that kind
    if last is not None and last["version"] == version:
        return False
    append_entry(
        session,
        "software_version",
        now,
        {"version": version, "previous_version": last["version"] if last else None},
    )
    return True


def record_failed_verification(session: Session, result: Verification, now: datetime) -> None:
    append_entry(
        session,
        "verification_failed",
        now,
        {"message": result.message, "verified_count": result.count},
    )


def verify_and_record(session: Session, now: datetime) -> Verification:
    """Verify; a failure is itself journaled (in its own commit, so it stays)."""
    result = verify_journal(session)
    if not result.ok:
        record_failed_verification(session, result, now)
        session.commit()
    return result


def startup_checks(session: Session, marker: HeadMarker | None, now: datetime) -> list[str]:
    """At server start: a new software version, a restore or an edited head marker are
    journaled."""
    messages = []
    if record_software_version(session, software_version(), now):
        messages.append(f"Journal : version du logiciel {software_version()} enregistrée.")
    found = check_head(session, marker, now) if marker is not None else None
    if found:
        messages.append(found)
    session.commit()
    return messages
