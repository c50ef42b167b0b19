"""What a card has spent: the figures the households' services ask the till for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.sites.scope import across_every_site
from participants.errors import CardRefused
from participants.households.rights import MonthVisits, household_for_till
from pos.errors import InvalidRequest
from pos.models import Sale, SaleKind


def _month_bounds(day: date) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time.min, tzinfo=SHOP_TIMEZONE),
        datetime.combine(following, time.min, tzinfo=SHOP_TIMEZONE),
    )


def spent_this_month(session: Session, card_code: str, day: date) -> int:
    """What the household paid this calendar month (refunds deducted), at every site: its
    monthly allowance is one, wherever it shops."""
    start, end = _month_bounds(day)
    with across_every_site(session):
        return int(
            session.scalar(
                select(func.coalesce(func.sum(Sale.total_cents), 0)).where(
                    Sale.card_code == card_code, Sale.created_at >= start, Sale.created_at < end
                )
            )
        )


def visits_by_month(session: Session, card_code: str) -> list[MonthVisits]:
    """A household's visits month by month, at every site (figures, no site's records)."""
    with across_every_site(session):
        sales = session.execute(
            select(Sale.created_at, Sale.kind, Sale.total_cents, Sale.reference_total_cents).where(
                Sale.card_code == card_code
            )
        ).all()
    months: dict[date, list[int]] = {}
    for created_at, kind, paid, reference in sales:
        month = created_at.astimezone(SHOP_TIMEZONE).date().replace(day=1)
        figures = months.setdefault(month, [0, 0, 0])
        figures[0] += kind == SaleKind.SALE
        figures[1] += paid
        figures[2] += reference
    return [MonthVisits(month, *figures) for month, figures in sorted(months.items(), reverse=True)]


@dataclass(frozen=True, kw_only=True)
class Household:
    """What the sale needs of the card shown: its rate and what is left this month (None, None
    for the public price)."""

    rate_bp: int | None = None
    remaining_cents: int | None = None


def card_terms(session: Session, card_code: str | None, today: date, site_id: int) -> Household:
    """The rate and allowance left of the card shown at the till of ``site_id`` (the public
    price without a valid right); a refused card refuses the sale."""
    if not card_code:
        return Household()
    try:
        answer = household_for_till(
            session, card_code, today, spent=spent_this_month, site_id=site_id
        )
    except CardRefused as error:
        raise InvalidRequest(error.message) from None
    if not answer.right_valid:
        return Household()
    return Household(
        rate_bp=answer.participation_rate_bp, remaining_cents=answer.remaining_this_month_cents
    )
