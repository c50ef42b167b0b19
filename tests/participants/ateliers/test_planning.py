"""Ateliers d'insertion: planning rules, hours across weeks, automatic hours, exits."""

from datetime import date, datetime, time, timedelta

import pytest

from app.clock import SHOP_TIMEZONE
from app.users.roles import Role
from participants.ateliers.attendance import RollCallEntry, record_roll_call
from participants.ateliers.common import format_minutes, parse_clock
from participants.ateliers.contracts import (
    end_contract,
    expected_on,
    renew_contract,
)
from participants.ateliers.hours import done_minutes, planned_minutes, weekly_hours
from participants.errors import InvalidData
from participants.models import (
    AttendanceStatus,
)
from tests.participants.ateliers.conftest import (
    FRI,
    MON,
    THU,
    TODAY,
    TUE,
    WED,
    WEEK1,
    H,
    contract,
    nine_hours,
)


def test_clock_and_duration_formats():
    assert [parse_clock(t) for t in ("9:30", "9h30", "09 h", "14", "25:00", "abc")] == [
        570,
        570,
        540,
        840,
        None,
        None,
    ]
    assert [format_minutes(m) for m in (540, 570, 0, -90)] == ["9 h", "9 h 30", "0 h", "-1 h 30"]


def test_hours_across_weeks_with_a_contract_starting_mid_week(
    session, staff, now, ateliers, person
):
    amina = person()
    garden = ateliers["jardinage"]
    signed = contract(session, staff, now, amina, nine_hours(garden), start=WEEK1 + timedelta(2))
    assert signed.planned_weekly_minutes == 9 * H
    # Week 1 starts on Wednesday: Monday's 3 h are not planned.
    assert planned_minutes([signed], WEEK1, WEEK1 + timedelta(6)) == 6 * H
    record_roll_call(
        session,
        staff.id,
        now,
        TODAY,
        garden,
        WEEK1 + timedelta(2),
        [RollCallEntry(amina.id, AttendanceStatus.PRESENT, 3 * H)],
    )
    record_roll_call(
        session,
        staff.id,
        now,
        TODAY,
        garden,
        WEEK1 + timedelta(4),
        [RollCallEntry(amina.id, AttendanceStatus.JUSTIFIED, 0)],
    )
    for offset, minutes in ((7, 3 * H), (9, 2 * H + 30), (11, 3 * H)):
        record_roll_call(
            session,
            staff.id,
            now,
            TODAY,
            garden,
            WEEK1 + timedelta(offset),
            [RollCallEntry(amina.id, AttendanceStatus.PRESENT, minutes)],
        )
    weeks = weekly_hours(session, amina, WEEK1, 3, TODAY)
    assert [(w.planned_minutes, w.done_minutes, w.alert) for w in weeks] == [
        (6 * H, 3 * H, True),  # the Friday absence, even justified, is missing hours
        (9 * H, 8 * H + 30, True),  # 30 minutes short
        (9 * H, 0, False),  # the week to come: nothing due yet
    ]
    assert weeks[1].missing_minutes == 30
    # Monday 30/11 before the roll call: nothing is due yet; once she is marked absent, it is.
    monday3 = WEEK1 + timedelta(14)
    assert not weekly_hours(session, amina, monday3, 1, monday3)[0].alert
    record_roll_call(
        session,
        staff.id,
        now,
        monday3,
        garden,
        monday3,
        [RollCallEntry(amina.id, AttendanceStatus.UNJUSTIFIED, 0)],
    )
    assert weekly_hours(session, amina, monday3, 1, monday3)[0].missing_minutes == 3 * H


def test_seventh_person_in_a_slot_is_refused(session, staff, now, ateliers, person):
    sewing = ateliers["confection"]
    six = [person(f"P{n}", "Test") for n in range(6)]
    for participant in six:
        contract(
            session,
            staff,
            now,
            participant,
            [(sewing.id, MON, 9 * H, 12 * H), (sewing.id, TUE, 9 * H, 15 * H)],
        )
    seventh = person("Septième", "Test")
    with pytest.raises(
        InvalidData,
        match="Confection et image de soi est complet le lundi "
        "de 11:00 à 13:00 : 6 personnes au plus",
    ):
        contract(
            session,
            staff,
            now,
            seventh,
            [(sewing.id, MON, 11 * H, 13 * H), (sewing.id, THU, 9 * H, 16 * H)],
        )
    # Right after the others leave, the slot is free.
    ok = contract(
        session,
        staff,
        now,
        seventh,
        [(sewing.id, MON, 12 * H, 14 * H), (sewing.id, THU, 9 * H, 16 * H)],
    )
    assert ok.planned_weekly_minutes == 9 * H
    # When one of the six stops, the seventh fits after that day.
    end_contract(session, staff.id, now, six[0].contracts[0], date(2026, 12, 31), "Déménagement")
    late = person("Huitième", "Test")
    contract(
        session,
        staff,
        now,
        late,
        [(sewing.id, MON, 9 * H, 12 * H), (sewing.id, FRI, 9 * H, 15 * H)],
        start=date(2027, 1, 4),
    )
    morning = [e for e in expected_on(session, sewing, date(2027, 1, 4)) if e.start_minute == 9 * H]
    assert len(morning) == 6 and six[0] not in [e.participant for e in morning]


def test_a_participant_cannot_be_in_two_places(session, staff, now, ateliers, person):
    amina = person()
    contract(session, staff, now, amina, nine_hours(ateliers["jardinage"]))
    with pytest.raises(
        InvalidData,
        match="Conflit de planning : Amina Diallo est déjà attendu·e le mercredi de 9:00 à 12:00",
    ):
        contract(
            session,
            staff,
            now,
            amina,
            [
                (ateliers["confection"].id, WED, 11 * H, 17 * H),
                (ateliers["confection"].id, THU, 9 * H, 12 * H),
            ],
        )
    with pytest.raises(InvalidData, match="Deux créneaux se chevauchent"):
        contract(
            session,
            staff,
            now,
            person("Bob", "X"),
            [
                (ateliers["confection"].id, THU, 9 * H, 14 * H),
                (ateliers["jardinage"].id, THU, 13 * H, 17 * H),
            ],
        )


def test_minimum_hours_rule(session, staff, now, ateliers, person):
    garden = ateliers["jardinage"]
    short = [(garden.id, MON, 9 * H, 12 * H), (garden.id, TUE, 9 * H, 13 * H + 30)]
    with pytest.raises(
        InvalidData, match="prévoit 7 h 30 par semaine ; le contrat en demande au moins 9 h"
    ):
        contract(session, staff, now, person(), short)
    rsa = person("Karim", "B")
    with pytest.raises(InvalidData, match="au moins 15 h"):  # an RSA engagement contract
        contract(session, staff, now, rsa, nine_hours(garden), minimum=15 * H)
    with pytest.raises(InvalidData, match="ne peut pas être inférieur à 9 h"):
        contract(session, staff, now, rsa, nine_hours(garden), minimum=6 * H)
    with pytest.raises(InvalidData, match="ouvert de 9:00 à 17:00"):
        contract(session, staff, now, rsa, [(garden.id, MON, 8 * H, 17 * H)])
    fifteen = contract(
        session,
        staff,
        now,
        rsa,
        [*nine_hours(garden), (garden.id, THU, 9 * H, 15 * H)],
        minimum=15 * H,
    )
    renewal = renew_contract(session, staff.id, now, fifteen, date(2027, 11, 30))
    assert renewal.start_date == date(2027, 6, 1) and renewal.renewal_of_id == fifteen.id
    assert renewal.planned_weekly_minutes == 15 * H


def test_automatic_hours_from_the_till_and_the_jardin(
    session, staff, now, ateliers, person, make_user, make_product, parcels
):
    from inventory.models import StockUnit
    from inventory.services.receptions import HarvestData, record_harvest
    from pos.models import Till
    from pos.services.sessions import close_session, open_session

    cashier = make_user(Role.CAISSIER, username="nadia9", badge_code="0410000000991")
    nadia = person("Nadia", "K", user_id=cashier.id)
    contract(
        session,
        staff,
        now,
        nadia,
        [
            (ateliers["quatre_saisons"].id, MON, 9 * H, 13 * H),
            (ateliers["jardinage"].id, TUE, 9 * H, 14 * H),
        ],
    )
    till = Till(code="C9", name="Caisse 9", is_active=True)
    session.add(till)
    session.flush()
    monday = WEEK1
    opened = datetime.combine(monday, time(9, 0), tzinfo=SHOP_TIMEZONE)
    cash_session = open_session(session, till, cashier, opened, {})
    close_session(
        session,
        cash_session,
        cashier,
        opened + timedelta(hours=3, minutes=30),
        {"cash": 0, "card": 0, "cheque": 0},
        None,
    )
    leeks = make_product("Poireaux", 300, StockUnit.KILOGRAM)
    for day in (monday + timedelta(1), monday + timedelta(3)):  # planned Tuesday, and Thursday
        record_harvest(session, staff.id, now, HarvestData(2, leeks.id, 4000, day, (nadia.id,)))
    done = done_minutes(session, nadia, monday, monday + timedelta(6))
    # Till: 3 h 30 of session; jardin: Tuesday's planned 5 h + Thursday's default 3 h.
    assert done == {"appel": 0, "caisse": 3 * H + 30, "jardin": 8 * H}
    # A roll call taken in the jardin on Tuesday replaces the automatic hours of that day.
    record_roll_call(
        session,
        staff.id,
        now,
        TODAY,
        ateliers["jardinage"],
        monday + timedelta(1),
        [RollCallEntry(nadia.id, AttendanceStatus.PRESENT, 4 * H)],
    )
    assert done_minutes(session, nadia, monday, monday + timedelta(6)) == {
        "appel": 4 * H,
        "caisse": 3 * H + 30,
        "jardin": 3 * H,
    }


def test_roll_call_refuses_the_future_and_weekends(session, staff, now, ateliers, person):
    amina = person()
    garden = ateliers["jardinage"]
    with pytest.raises(InvalidData, match="pas à l'avance"):
        record_roll_call(session, staff.id, now, TODAY, garden, TODAY + timedelta(3), [])
    with pytest.raises(InvalidData, match="fermés le week-end"):
        record_roll_call(session, staff.id, now, TODAY, garden, date(2026, 11, 22), [])
    with pytest.raises(InvalidData, match="Durée de présence invalide"):
        record_roll_call(
            session,
            staff.id,
            now,
            TODAY,
            garden,
            TODAY,
            [RollCallEntry(amina.id, AttendanceStatus.PRESENT, 0)],
        )
