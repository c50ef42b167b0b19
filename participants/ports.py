"""What the people records ask packages above them (answered by create_app, see app/ports.py):
the till's figures for a household, the till's and the jardin's hours for a participant."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.ports import Port
from participants.households.rights import MonthVisits

# What a household paid this calendar month (refunds deducted), for its allowance left.
HOUSEHOLD_SPENDING: Port[[Session, str, date], int] = Port(
    "household_spending", "what a card's household paid this month, in cents"
)
# A household's visits by month (its file's history).
HOUSEHOLD_VISITS: Port[[Session, str], list[MonthVisits]] = Port(
    "household_visits", "a card's visits, paid and reference value, by month"
)
# Minutes a user held a till, by business day (closed cash sessions), for the atelier hours.
TILL_MINUTES: Port[[Session, int, date, date], dict[date, int]] = Port(
    "till_minutes", "minutes of closed cash sessions opened by a user, by day"
)
# Days a participant took part in a jardin delivery.
HARVEST_DAYS: Port[[Session, int, date, date], set[date]] = Port(
    "harvest_days", "days of the jardin deliveries a participant took part in"
)
