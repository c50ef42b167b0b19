"""Who bought a recalled lot: the households behind the cards shown at the till, with their
tickets (answers ``inventory.ports.RECALL_BUYERS``; the page shows it only to those allowed to
see households, and logs the read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import SHOP_TIMEZONE
from app.users.models import User
from inventory.ports import Buyer
from participants.households.privacy import households_visible_to
from participants.models import Household, HouseholdCard
from pos.models import Sale, Till
from pos.services.documents import ticket_reference


def recall_buyers(session: Session, reader: User, uuids: Iterable[str]) -> list[Buyer]:
    wanted = list(uuids)
    if not wanted:
        return []
    tickets: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(Household.id, Till.code, Sale.number, Sale.created_at)
        .join(Till, Till.id == Sale.till_id)
        .join(HouseholdCard, HouseholdCard.code == Sale.card_code)
        .join(Household, Household.id == HouseholdCard.household_id)
        .where(Sale.uuid.in_(wanted), Household.anonymised_at.is_(None))
        .order_by(Sale.created_at)
    )
    for household_id, till_code, number, created_at in rows:
        day = created_at.astimezone(SHOP_TIMEZONE).strftime("%d/%m/%Y")
        tickets[household_id].append(f"{ticket_reference(till_code, number)} ({day})")
    households = session.scalars(select(Household).where(Household.id.in_(list(tickets))))
    households = list(households)
    referent_ids = {h.referent_user_id for h in households if h.referent_user_id}
    followers = dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(referent_ids))).all()
    )
    visible = set(
        session.scalars(households_visible_to(session, reader).with_only_columns(Household.id))
    )
    return sorted(
        (
            Buyer(
                h.id,
                h.display_name,
                h.card_code,
                tuple(dict.fromkeys(tickets[h.id])),
                followers.get(h.referent_user_id, "—"),
                h.id in visible,
            )
            for h in households
        ),
        key=lambda buyer: buyer.name.lower(),
    )
