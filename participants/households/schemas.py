"""Answers of the participants package's JSON endpoints (validated and documented)."""

from __future__ import annotations

from pydantic import BaseModel


class TillCardOut(BaseModel):
    """What the till may know of a household: name, right, rate, allowance left. Nothing of
    its social file."""

    card_code: str
    display_name: str
    right_valid: bool
    message: str
    right_ends_on: str | None
    participation_rate_bp: int | None
    monthly_allowance_cents: int | None
    spent_this_month_cents: int | None
    remaining_this_month_cents: int | None
