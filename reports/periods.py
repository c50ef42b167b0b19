"""Report periods: a month, a quarter or a year containing a day, or any range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.clock import SHOP_TIMEZONE

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    label: str

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in the shop's time zone, for timestamps."""
        return (
            datetime.combine(self.first, time.min, tzinfo=SHOP_TIMEZONE),
            datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=SHOP_TIMEZONE),
        )


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def period_of(kind: str, day: date) -> Period:
    if kind == "annee":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), f"année {day.year}")
    if kind == "trimestre":
        quarter = (day.month - 1) // 3
        first = date(day.year, quarter * 3 + 1, 1)
        return Period(
            first, _month_end(day.year, quarter * 3 + 3), f"{quarter + 1}ᵉ trimestre {day.year}"
        )
    return Period(
        date(day.year, day.month, 1),
        _month_end(day.year, day.month),
        f"{MONTHS[day.month - 1]} {day.year}",
    )


def custom(first: date, last: date) -> Period:
    return Period(first, last, f"du {first.strftime('%d/%m/%Y')} au {last.strftime('%d/%m/%Y')}")
