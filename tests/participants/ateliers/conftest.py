"""Atelier tests' builders: three ateliers, a participant, a contract, a nine-hour week."""

from datetime import date

import pytest

from participants.ateliers.contracts import (
    ContractData,
    SlotData,
    create_contract,
)
from participants.ateliers.people import ParticipantData, save_participant
from participants.models import (
    Atelier,
    ParticipantStatus,
    ReferringBody,
)

H = 60
MON, TUE, WED, THU, FRI = range(5)
WEEK1 = date(2026, 11, 16)  # a Monday
TODAY = date(2026, 11, 27)  # Friday of the next week


@pytest.fixture
def ateliers(session, staff):
    made = {}
    for code, name in (
        ("jardinage", "Jardinage et bricolage"),
        ("quatre_saisons", "Quatre saisons (épicerie)"),
        ("confection", "Confection et image de soi"),
    ):
        made[code] = Atelier(code=code, name=name, capacity=6, encadrant_id=staff.id)
        session.add(made[code])
    session.flush()
    return made


@pytest.fixture
def person(session, staff, now):
    def build(first="Amina", last="Diallo", **fields):
        return save_participant(
            session,
            staff.id,
            now,
            ParticipantData(
                first,
                last,
                fields.get("status", ParticipantStatus.RSA),
                ReferringBody.CCAS,
                "M. Colin",
                fields.get("entry", date(2026, 9, 1)),
                fields.get("user_id"),
            ),
        )

    return build


def contract(
    session, staff, now, participant, slots, start=WEEK1, end=date(2027, 5, 31), minimum=None
):
    return create_contract(
        session,
        staff.id,
        now,
        participant,
        ContractData("M. Colin", start, end, tuple(SlotData(*slot) for slot in slots), minimum),
    )


def nine_hours(atelier):
    return [
        (atelier.id, MON, 9 * H, 12 * H),
        (atelier.id, WED, 9 * H, 12 * H),
        (atelier.id, FRI, 13 * H, 16 * H),
    ]
