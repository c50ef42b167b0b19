"""Appointments: slots of the opening hours, households per slot, one visit a day, a valid
right; moved, cancelled, came (card at the till) or absent; the day's list for the till."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.clock import SHOP_TIMEZONE, shop_date, utcnow
from app.settings.services import set_setting
from app.users.roles import Role
from app.values import InvalidValue
from participants.errors import InvalidData
from participants.households.appointments import (
    book,
    came_with_card,
    day_slots,
    expected_today,
    mark,
    no_shows,
)
from participants.households.opening import parse_opening_hours
from participants.households.records import HouseholdData, MemberData, create_household
from participants.households.rights import RightRequest, decide_right, request_right
from participants.models import Appointment, AppointmentStatus, Kinship, ReferringBody, Sex
from tests.conftest import csrf_token_from, page_text

NOW = utcnow()  # the booking rules compare with the real day (a visit cannot be past)
TODAY = shop_date(NOW)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHOP_TIMEZONE)


@pytest.fixture
def referent(make_user):
    return make_user(Role.REFERENT, username="sophie", display_name="Sophie")


@pytest.fixture
def family(session, referent, now):
    """Households with a right from ten days ago for three months; the épicerie opens every
    day 14:00-16:00 with 20-minute slots, two households each."""
    set_setting(
        session,
        "epicerie.opening_hours",
        " ; ".join(
            f"{d} 14:00-16:00"
            for d in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
        ),
        NOW,
    )

    def make(name: str, with_right: bool = True, follower=None):
        made = create_household(
            session,
            (follower or referent).id,
            NOW,
            HouseholdData(
                name,
                ReferringBody.CCAS,
                "M. Colin",
                100_000,
                70_000,
                members=(MemberData("A", 1980, Sex.UNSPECIFIED, Kinship.REFERENCE),),
            ),
        )
        if with_right:
            right = request_right(
                session,
                referent.id,
                NOW,
                made,
                RightRequest(TODAY - timedelta(days=10), 3, 2000, 20_000, "P"),
            )
            decide_right(session, referent.id, NOW, right, grant=True)
        return made

    return make


def test_opening_hours_are_read_as_typed_or_named_wrong():
    assert parse_opening_hours("Mardi 14:00-18:00 ; jeudi 9h-12h, 14:00-17:00") == {
        1: [(840, 1080)],
        3: [(540, 720), (840, 1020)],
    }
    for typed, message in [
        ("", "au moins un jour"),
        ("marsdi 14:00-18:00", "n'est pas un jour"),
        ("mardi 18:00-14:00", "la fin doit suivre le début"),
        ("mardi 14:00", "n'est pas une plage horaire"),
        ("mardi 9:00-12:00 ; mardi 14:00-16:00", "écrit deux fois"),
    ]:
        with pytest.raises(InvalidValue, match=message):
            parse_opening_hours(typed)


def test_a_slot_takes_its_number_of_households_and_one_visit_a_day(session, referent, family, now):
    a, b, c = family("Foyer A"), family("Foyer B"), family("Foyer C")
    day = TODAY + timedelta(days=1)
    book(session, referent.id, NOW, a, at(day, 14, 20))
    book(session, referent.id, NOW, b, at(day, 14, 20))
    with pytest.raises(InvalidData, match="complet"):
        book(session, referent.id, NOW, c, at(day, 14, 20))
    with pytest.raises(InvalidData, match="déjà un rendez-vous ce jour-là"):
        book(session, referent.id, NOW, a, at(day, 15, 0))
    with pytest.raises(InvalidData, match="pas dans les horaires"):
        book(session, referent.id, NOW, c, at(day, 14, 10))  # not on a slot
    with pytest.raises(InvalidData, match="pas dans les horaires"):
        book(session, referent.id, NOW, c, at(day, 16, 0))  # after closing
    with pytest.raises(InvalidData, match="Ce jour est passé"):
        book(session, referent.id, NOW, c, at(TODAY - timedelta(days=1), 14, 0))
    with pytest.raises(InvalidData, match="pas de droit valable"):
        book(session, referent.id, NOW, family("Sans droit", with_right=False), at(day, 15, 0))
    slot = next(s for s in day_slots(session, day) if s.starts_at == at(day, 14, 20))
    assert (len(slot.appointments), slot.free) == (2, 0)
    first = session.scalar(select(Appointment).where(Appointment.household_id == a.id))
    mark(session, referent.id, NOW, first, AppointmentStatus.CANCELLED)
    book(session, referent.id, NOW, c, at(day, 14, 20))  # the place freed by a cancellation


def test_a_move_books_the_new_slot_and_cancels_the_old_one(session, referent, family, now):
    a = family("Foyer A")
    day = TODAY + timedelta(days=2)
    first = book(session, referent.id, NOW, a, at(day, 14, 0))
    moved = book(session, referent.id, NOW, a, at(day, 15, 40), replacing=first)
    assert first.status == AppointmentStatus.CANCELLED
    assert moved.status == AppointmentStatus.BOOKED
    assert moved.starts_at.astimezone(SHOP_TIMEZONE) == at(day, 15, 40)


def test_the_till_list_the_card_and_the_no_shows(session, referent, family, now):
    a, b = family("Foyer A"), family("Foyer B")
    book(session, referent.id, NOW, a, at(TODAY, 14, 0))
    book(session, referent.id, NOW, b, at(TODAY, 14, 40))
    assert expected_today(session, TODAY) == [
        ("14:00", "Foyer A", "booked"),
        ("14:40", "Foyer B", "booked"),
    ]
    came_with_card(session, a.card_code, utcnow())
    assert [status for *_, status in expected_today(session, TODAY)] == ["came", "booked"]
    # Tomorrow, B's visit of today, neither attended nor cancelled, counts as a no-show.
    assert no_shows(session, b.id, TODAY + timedelta(days=1)) == 1
    assert no_shows(session, a.id, TODAY + timedelta(days=1)) == 0
    past = session.scalar(select(Appointment).where(Appointment.household_id == b.id))
    with pytest.raises(InvalidData, match="est passé"):
        mark(session, referent.id, NOW + timedelta(days=1), past, AppointmentStatus.CANCELLED)


def test_booking_from_the_file_gives_the_slip_and_the_agenda_shows_the_visit(
    client, session, referent, family, login, make_user
):
    household = family("Foyer Benali")
    other = family("Foyer Caché", follower=make_user(Role.REFERENT, username="marc"))
    login("sophie")
    day = TODAY + timedelta(days=1)
    url = f"/foyers/{household.id}/rendez-vous?jour={day.isoformat()}"
    page = client.get(url)
    assert "14:20 — 2 place(s)" in page_text(page)
    token = csrf_token_from(page.get_data(as_text=True))
    answer = client.post(
        url, data={"csrf_token": token, "slot": f"{day.isoformat()}T14:20"}, follow_redirects=True
    )
    text = page_text(answer)
    assert f"Rendez-vous de Foyer Benali le {day.strftime('%d/%m/%Y')} à 14:20." in text
    assert "Pensez à votre carte" in text  # the text to copy
    forged = client.post(
        url, data={"csrf_token": token, "slot": "2026-13-45T99:99"}, follow_redirects=True
    )
    assert "Créneau" in page_text(forged)
    book(session, referent.id, utcnow(), other, at(day, 14, 20))
    agenda = page_text(client.get(f"/foyers/rendez-vous?jour={day.isoformat()}"))
    assert "Foyer Benali" in agenda and "Autre foyer" in agenda and "Foyer Caché" not in agenda
    assert "0 / 2" in agenda


def test_marking_a_visit_never_sends_elsewhere(client, session, referent, family, login):
    household = family("Foyer Benali")
    visit = book(session, referent.id, NOW, household, at(TODAY + timedelta(days=1), 14, 0))
    login("sophie")
    page = client.get("/foyers/rendez-vous")
    answer = client.post(
        f"/foyers/rendez-vous/{visit.id}/venu",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "back": "https://ailleurs.example/piege",
        },
    )
    assert answer.status_code == 302 and answer.location.startswith("/foyers/rendez-vous")
    assert visit.status == AppointmentStatus.CAME
    assert client.post(f"/foyers/rendez-vous/{visit.id}/effacer").status_code in (400, 404)
