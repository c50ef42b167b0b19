"""Ateliers d'insertion: planning rules, hours across weeks, automatic hours, exits."""

from datetime import date, datetime, time, timedelta

import pytest

from app.clock import SHOP_TIMEZONE
from app.users.roles import Role
from participants.errors import InvalidData
from participants.models import (
    ActionKind,
    Atelier,
    AttendanceStatus,
    ExitType,
    ParticipantStatus,
    ReferringBody,
)
from participants.services.ateliers import (
    ContractData,
    ParticipantData,
    RollCallEntry,
    SlotData,
    add_criterion,
    create_action,
    create_contract,
    done_minutes,
    end_contract,
    exits_table,
    expected_on,
    format_minutes,
    parse_clock,
    planned_minutes,
    progress,
    record_evaluation,
    record_exit,
    record_roll_call,
    renew_contract,
    save_participant,
    weekly_hours,
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


def test_exits_table_on_a_known_data_set(session, staff, now, ateliers, person):
    exits = [
        (ExitType.CDI, date(2026, 3, 1)),
        (ExitType.CDI, date(2026, 6, 1)),
        (ExitType.CDD, date(2026, 7, 1)),
        (ExitType.CONTRAT_AIDE, date(2026, 2, 1)),
        (ExitType.TRAINING, date(2026, 9, 1)),
        (ExitType.MOVED, date(2026, 4, 1)),
        (ExitType.NO_SOLUTION, date(2026, 10, 1)),
        (ExitType.HEALTH, date(2026, 5, 1)),
        (ExitType.CDI, date(2025, 12, 31)),
    ]  # the year before: not counted
    for index, (kind, day) in enumerate(exits):
        participant = person(f"P{index}", "Sortie", entry=date(2025, 1, 1))
        record_exit(session, staff.id, now, participant, day, kind)
    table = exits_table(session, 2026)
    assert table.by_type[ExitType.CDI] == 2 and table.by_type[ExitType.INTEGRATION_WORKSITE] == 0
    assert (table.positive, table.without_solution, table.total) == (5, 3, 8)


def test_an_exit_ends_the_running_contract(session, staff, now, ateliers, person):
    amina = person()
    signed = contract(session, staff, now, amina, nine_hours(ateliers["jardinage"]))
    record_exit(session, staff.id, now, amina, date(2026, 12, 4), ExitType.CDD)
    assert signed.ended_on == date(2026, 12, 4) and "CDD" in signed.end_reason
    assert expected_on(session, ateliers["jardinage"], date(2026, 12, 7)) == []
    with pytest.raises(InvalidData, match="sorti·e du dispositif"):
        contract(session, staff, now, amina, nine_hours(ateliers["confection"]))


def test_evaluations_and_actions(session, staff, now, person):
    amina, bob = person(), person("Bob", "Martin")
    criteria = [add_criterion(session, name) for name in ("Ponctualité", "Autonomie")]
    for day, scores in ((date(2026, 10, 1), (2, 1)), (date(2026, 11, 1), (3, 2))):
        record_evaluation(
            session,
            staff.id,
            now,
            amina,
            day,
            {c.id: s for c, s in zip(criteria, scores, strict=True)},
        )
    assert progress(session, amina) == {
        "Ponctualité": [(date(2026, 10, 1), 2), (date(2026, 11, 1), 3)],
        "Autonomie": [(date(2026, 10, 1), 1), (date(2026, 11, 1), 2)],
    }
    with pytest.raises(InvalidData, match="de 1 \\(non acquis\\) à 4"):
        record_evaluation(session, staff.id, now, amina, TODAY, {criteria[0].id: 5})
    action = create_action(
        session,
        staff.id,
        now,
        ActionKind.COMPANY_VISIT,
        "Visite d'une plateforme logistique",
        date(2026, 11, 20),
        [amina.id, bob.id],
    )
    assert {p.first_name for p in action.participants} == {"Amina", "Bob"}
