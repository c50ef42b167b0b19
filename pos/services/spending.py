"""What a card has spent: the figures the households' services ask the till for."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from participants.households.rights import MonthVisits
from pos.models import Sale, SaleKind


def _month_bounds(day: date) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time.min, tzinfo=SHOP_TIMEZONE),
        datetime.combine(following, time.min, tzinfo=SHOP_TIMEZONE),
    )


def spent_this_month(session: Session, card_code: str, day: date) -> int:
    """What the household paid this calendar month (refunds deducted)."""
    start, end = _month_bounds(day)
    return int(
        session.scalar(
            select(func.coalesce(func.sum(Sale.total_cents), 0)).where(
                Sale.card_code == card_code, Sale.created_at >= start, Sale.created_at < end
            )
        )
    )


def visits_by_month(session: Session, card_code: str) -> list[MonthVisits]:
    sales = session.execute(
        select(Sale.created_at, Sale.kind, Sale.total_cents, Sale.reference_total_cents).where(
            Sale.card_code == card_code
        )
    )
    months: dict[date, list[int]] = {}
    for created_at, kind, paid, reference in sales:
        month = created_at.astimezone(SHOP_TIMEZONE).date().replace(day=1)
        figures = months.setdefault(month, [0, 0, 0])
        figures[0] += kind == SaleKind.SALE
        figures[1] += paid
        figures[2] += reference
    return [MonthVisits(month, *figures) for month, figures in sorted(months.items(), reverse=True)]
