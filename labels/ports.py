"""What the labels ask packages above them (answered by create_app, see app/ports.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.ports import Port

# Household cards on a label sheet: (display name, card code, validity text) of the households
# this user may print (each one a logged read).
CARD_LABELS: Port[[Session, object, list[int], date], list[tuple[str, str, str]]] = Port(
    "card_labels", "the cards a user may print, for the given households"
)
