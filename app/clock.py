"""The one place that reads the wall clock; services receive ``now`` as an argument."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHOP_TIMEZONE = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def shop_date(moment: datetime) -> date:
    """The calendar day in the shop's time zone (closures and monthly allowances use it)."""
    return moment.astimezone(SHOP_TIMEZONE).date()
