"""Closures: each business day closed once (its totals and the grand total carried on), then
months and years rolled up from the days; pending periods are closed when a till opens."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.orm import lock_for_update
from pos.journal.chain import _HEAD, append_entry
from pos.models import JournalEntry, Sale, SaleKind, Till

# ---- closures -------------------------------------------------------------------------------


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHOP_TIMEZONE)
    return start, start + timedelta(days=1)


def period_totals(session: Session, start: datetime, end: datetime, site_id: int) -> dict:
    """Totals of the site's tickets created in [start, end): by payment method and VAT rate."""
    sales = session.scalars(
        select(Sale)
        .where(
            Sale.created_at >= start,
            Sale.created_at < end,
            Sale.till_id.in_(select(Till.id).where(Till.site_id == site_id)),
        )
        .order_by(Sale.id)
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


# Built once: both run at every ticket (is there a past day to close?). Plain tables, the
# site said in the statement (no ORM step on the till's path).
_ENTRY = JournalEntry.__table__.c
_SALE = Sale.__table__.c
_LAST_PAYLOAD_OF_KIND = (
    select(_ENTRY.payload)
    .where(_ENTRY.site_id == bindparam("site_id"), _ENTRY.kind == bindparam("kind"))
    .order_by(_ENTRY.sequence.desc())
    .limit(1)
)
_SALE_TIMES_BETWEEN = select(_SALE.created_at).where(
    _SALE.created_at < bindparam("before"),
    _SALE.created_at >= bindparam("since"),
    _SALE.till_id.in_(
        select(Till.__table__.c.id).where(Till.__table__.c.site_id == bindparam("site_id"))
    ),
)


def _last_of_kind(session: Session, kind: str, site_id: int) -> dict | None:
    payload = session.scalar(_LAST_PAYLOAD_OF_KIND, {"kind": kind, "site_id": site_id})
    return json.loads(payload) if payload else None


def close_day(session: Session, day: date, now: datetime, site_id: int) -> str:
    """The site's daily Z closure, with its perpetual grand total; chained like any entry."""
    previous = _last_of_kind(session, "closure_daily", site_id)
    if previous and date.fromisoformat(previous["period"]) >= day:
        raise ValueError(f"day {day} already closed")
    totals = period_totals(session, *_day_bounds(day), site_id)
    grand_total = (previous["grand_total_cents"] if previous else 0) + totals["total_cents"]
    return append_entry(
        session,
        "closure_daily",
        now,
        {"period": day.isoformat(), **totals, "grand_total_cents": grand_total},
        f"Z-{day.isoformat()}",
        site_id=site_id,
    )


def _roll_up(session: Session, kind: str, source: str, label: str, now: datetime, site_id: int):
    entries = [
        json.loads(payload)
        for payload in session.scalars(
            select(JournalEntry.payload)
            .where(JournalEntry.site_id == site_id, JournalEntry.kind == source)
            .order_by(JournalEntry.sequence)
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
        site_id=site_id,
    )


def lock_journal(session: Session, site_id: int) -> None:
    """Hold the site's journal head until the transaction ends, on both databases: what is
    read after this is what the previous writer committed (PostgreSQL: the head row, locked;
    SQLite: the database write lock)."""
    lock_for_update(session)
    session.execute(select(_HEAD.c.id).where(_HEAD.c.site_id == site_id).with_for_update())


def _days_to_close(session: Session, today: date, site_id: int) -> list[date]:
    last = _last_of_kind(session, "closure_daily", site_id)
    since = (date.fromisoformat(last["period"]) + timedelta(days=1)) if last else date(1970, 1, 1)
    # Only tickets of past days not closed yet: after the day's first sale this is empty.
    moments = session.scalars(
        _SALE_TIMES_BETWEEN,
        {"before": _day_bounds(today)[0], "since": _day_bounds(since)[0], "site_id": site_id},
    )
    return sorted({moment.astimezone(SHOP_TIMEZONE).date() for moment in moments})


def close_pending_periods(session: Session, today: date, now: datetime, site_id: int) -> int:
    """Close every past day of the site with tickets not yet closed, then finished months and
    years (each site's periods are closed in its own chain).

    Called at the first sale of a new day, when a till opens, and by ``caisse journal close``.
    Two tills doing it at once close each day once: the second waits for the first on the
    journal's lock, then finds nothing left to close."""
    if not _days_to_close(session, today, site_id):
        return 0  # the usual case, without taking the lock
    lock_journal(session, site_id)
    days = _days_to_close(session, today, site_id)
    for day in days:
        close_day(session, day, now, site_id)
    if days:  # then every finished month, and every finished year, once
        closed_days = [
            json.loads(payload)["period"]
            for payload in session.scalars(
                select(JournalEntry.payload).where(
                    JournalEntry.site_id == site_id, JournalEntry.kind == "closure_daily"
                )
            )
        ]
        for month in sorted({day[:7] for day in closed_days if day[:7] < today.isoformat()[:7]}):
            _close_once(session, "closure_monthly", "closure_daily", month, now, site_id)
        for year in sorted({day[:4] for day in closed_days if day[:4] < today.isoformat()[:4]}):
            _close_once(session, "closure_yearly", "closure_monthly", year, now, site_id)
    return len(days)


def close_every_site(session: Session, today: date, now: datetime) -> int:
    """``caisse journal close``: every site's pending periods (days closed, all sites)."""
    return sum(
        close_pending_periods(session, today, now, site_id)
        for site_id in session.scalars(select(_HEAD.c.site_id).order_by(_HEAD.c.site_id))
    )


def _close_once(
    session: Session, kind: str, source: str, label: str, now: datetime, site_id: int
) -> None:
    done = session.scalar(
        select(JournalEntry.id).where(
            JournalEntry.site_id == site_id,
            JournalEntry.kind == kind,
            JournalEntry.reference.like(f"%-{label}"),
        )
    )
    if done is None:
        _roll_up(session, kind, source, label, now, site_id)


def _verify_closure(
    session: Session, payload: dict, previous_grand_total: int, site_id: int
) -> str | None:
    if payload["kind"] != "closure_daily":
        return None
    day = date.fromisoformat(payload["period"])
    current = period_totals(session, *_day_bounds(day), site_id)
    for field, value in current.items():
        if payload[field] != value:
            return f"« {field} » de la clôture ne correspond plus aux tickets du jour"
    if payload["grand_total_cents"] != previous_grand_total + payload["total_cents"]:
        return "grand total perpétuel discontinu"
    return None
