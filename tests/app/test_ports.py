"""Packages talk through ports (app/ports.py): every port is answered at start, a missing answer
stops the start loudly instead of showing a page with silent zeros."""

import pytest

from app.ports import Port, PortNotAnswered, check_ports


def test_every_port_is_answered_once_the_app_is_made(app):
    check_ports()
    names = {port.name for port in Port.declared}
    assert {
        "household_spending",
        "household_visits",
        "till_minutes",
        "harvest_days",
        "jardin_participants",
        "tickets_by_uuid",
        "card_labels",
        "dashboard_cards",
    } <= names


def test_a_port_without_an_answer_stops_the_start_and_refuses_to_be_asked():
    port = Port("test_question", "a question nobody answers")
    try:
        with pytest.raises(PortNotAnswered, match="test_question"):
            check_ports()
        with pytest.raises(PortNotAnswered, match="create_app wires every port"):
            port(1)
        with port.answered_by(lambda n: n + 1):
            assert port(1) == 2
        assert not port.answered
    finally:
        Port.declared.remove(port)


def test_the_till_and_the_jardin_answer_the_ateliers_hours(session, now, make_user):
    from datetime import timedelta

    from app.users.roles import Role
    from participants.ports import HARVEST_DAYS, TILL_MINUTES
    from pos.models import Till
    from pos.services.sessions import close_session, open_session

    cashier = make_user(Role.CAISSIER)
    till = Till(code="C1", name="Caisse 1", is_active=True)
    session.add(till)
    session.flush()
    opened = open_session(session, till, cashier, now, {})
    close_session(
        session,
        opened,
        cashier,
        now + timedelta(minutes=95),
        {"cash": 0, "card": 0, "cheque": 0},
        None,
    )
    day = opened.business_date
    assert TILL_MINUTES(session, cashier.id, day, day) == {day: 95}
    assert TILL_MINUTES(session, cashier.id + 1, day, day) == {}
    assert HARVEST_DAYS(session, 1, day, day) == set()
