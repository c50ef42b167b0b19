"""Exits, their yearly table, and evaluations and actions."""

from datetime import date

import pytest

from participants.ateliers.contracts import (
    expected_on,
)
from participants.ateliers.evaluations import add_criterion, progress, record_evaluation
from participants.ateliers.exits import create_action, exits_table, record_exit
from participants.errors import InvalidData
from participants.models import (
    ActionKind,
    ExitType,
)
from tests.participants.ateliers.conftest import TODAY, contract, nine_hours


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


def test_an_exit_cancels_the_contracts_to_come_and_frees_their_seats(
    session, staff, now, ateliers, person
):
    """A renewal signed ahead starts after the exit: it is cancelled too, and a newcomer gets
    the seat in that period instead of « complet »."""
    from datetime import timedelta

    from participants.ateliers.contracts import renew_contract

    garden = ateliers["jardinage"]
    garden.capacity = 1
    amina, bob = person(), person("Bob", "Martin")
    first = contract(session, staff, now, amina, nine_hours(garden), end=date(2026, 12, 31))
    renewal = renew_contract(session, staff.id, now, first, date(2027, 6, 30))
    with pytest.raises(InvalidData, match="complet"):
        contract(session, staff, now, bob, nine_hours(garden), start=date(2027, 1, 4))
    record_exit(session, staff.id, now, amina, date(2026, 12, 18), ExitType.TRAINING)
    assert first.ended_on == date(2026, 12, 18) and not first.cancelled
    assert renewal.cancelled and renewal.end_reason.startswith("Annulé, sortie")
    assert expected_on(session, garden, date(2027, 1, 4)) == []
    seat = contract(session, staff, now, bob, nine_hours(garden), start=date(2027, 1, 4))
    assert seat.start_date == date(2027, 1, 4)
    # Before the exit Amina still holds the seat: Bob cannot start earlier.
    with pytest.raises(InvalidData, match="complet"):
        contract(
            session,
            staff,
            now,
            person("Chloé", "Petit"),
            nine_hours(garden),
            start=date(2026, 12, 14),
            end=date(2026, 12, 14) + timedelta(days=90),
        )
