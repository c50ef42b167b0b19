"""What the stock asks packages above it (answered by create_app, see app/ports.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.ports import Port

# The jardin delivery form lists who was there: the ateliers' participants, (id, "Prénom N.").
JARDIN_PARTICIPANTS: Port[[Session], list[tuple[int, str]]] = Port(
    "jardin_participants", "the atelier participants to tick on a jardin delivery"
)
# The recall page names each sale by its ticket number: sale UUID → "C1-000042".
TICKETS_BY_UUID: Port[[Session, Iterable[str]], dict[str, str]] = Port(
    "tickets_by_uuid", "the ticket numbers of sales, by their UUID"
)


@dataclass(frozen=True)
class Buyer:
    """A household who bought from a recalled lot, for its référent·e to call."""

    household_id: int
    name: str
    card_code: str
    tickets: tuple[str, ...]  # "C1-000042 (23/11/2026)"
    referent: str  # the référent·e who follows the household
    visible: bool  # the reader follows it (or may see every file): its name may be shown


# The recall page, for those allowed to see households: who bought, from the sales' UUIDs,
# each marked visible or not to the reader (a référent·e sees the files they follow).
RECALL_BUYERS: Port[[Session, object, Iterable[str]], list[Buyer]] = Port(
    "recall_buyers", "the households who bought, from sale UUIDs (a product recall)"
)


# The tonnage counts as reused the untagged objects the tills sold by category (refunds
# deducted): {item category id: grams} for the sales made from ``start`` to before ``end``.
UNTAGGED_REUSED: Port[[Session, datetime, datetime], dict[int, int]] = Port(
    "untagged_reused", "the grams of untagged ressourcerie objects sold, by category"
)
