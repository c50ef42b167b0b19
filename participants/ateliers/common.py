"""What the ateliers' modules share: the two ateliers fed automatically (till, jardin), weekdays,
minutes and clock times."""

from __future__ import annotations

from datetime import date, timedelta

TILL_ATELIER = "quatre_saisons"
GARDEN_ATELIER = "jardinage"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
MAX_DAY_MINUTES = 10 * 60


def format_minutes(minutes: int) -> str:
    """540 → "9 h", 570 → "9 h 30", -90 → "-1 h 30"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours} h {rest:02d}" if rest else f"{sign}{hours} h"


def format_clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def parse_clock(text: str) -> int | None:
    """ "9:30", "9h30", "09 h", "14" → minutes after midnight; None when unreadable."""
    cleaned = (text or "").strip().lower().replace(" ", "").replace("h", ":").rstrip(":")
    hours, _sep, minutes = cleaned.partition(":")
    if not (hours.isascii() and hours.isdigit() and len(hours) <= 2) or (
        minutes and not (minutes.isascii() and minutes.isdigit() and len(minutes) <= 2)
    ):
        return None
    value = int(hours) * 60 + int(minutes or 0)
    return value if 0 <= int(hours) < 24 and int(minutes or 0) < 60 else None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def days_between(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
