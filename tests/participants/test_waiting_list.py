"""Places: when the épicerie holds its number of running rights, a household granted by the
committee waits in order (a renewal keeps its place); a place freed goes to the first in line,
logged."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.clock import shop_date, utcnow
from app.settings.services import set_setting
from app.users.roles import Role
from participants.errors import InvalidData
from participants.households.records import HouseholdData, MemberData, create_household
from participants.households.rights import (
    RightRequest,
    decide_right,
    end_right,
    offer_next_place,
    request_right,
    waiting_list,
)
from participants.models import Kinship, ReferringBody, RightStatus, Sex
from tests.conftest import csrf_token_from, page_text

NOW = utcnow()
TODAY = shop_date(NOW)


@pytest.fixture
def granted(session, make_user):
    """A request for a new household, decided by the committee: its right."""
    referent = make_user(Role.REFERENT, username="sophie")
    set_setting(session, "epicerie.capacity", 2, NOW)

    def decide(name: str, start=TODAY - timedelta(days=3), at=NOW):
        household = create_household(
            session,
            referent.id,
            at,
            HouseholdData(
                name,
                ReferringBody.CCAS,
                "M. Colin",
                100_000,
                70_000,
                members=(MemberData("A", 1980, Sex.UNSPECIFIED, Kinship.REFERENCE),),
            ),
        )
        right = request_right(
            session, referent.id, at, household, RightRequest(start, 3, 2000, 20_000, "Projet")
        )
        decide_right(session, referent.id, at, right, grant=True)
        return right

    return decide


def test_when_full_a_granted_household_waits_in_order_and_a_renewal_keeps_its_place(
    session, granted
):
    first, second = granted("A"), granted("B")
    third = granted("C", at=NOW + timedelta(minutes=1))
    fourth = granted("D", at=NOW + timedelta(minutes=2))
    assert [r.status for r in (first, second, third, fourth)] == [
        RightStatus.GRANTED,
        RightStatus.GRANTED,
        RightStatus.WAITING,
        RightStatus.WAITING,
    ]
    assert waiting_list(session) == [third, fourth]
    with pytest.raises(InvalidData, match="déjà sur la liste d'attente"):
        request_right(
            session,
            None,
            NOW,
            third.household,
            RightRequest(TODAY + timedelta(days=200), 3, 2000, 20_000, "Encore"),
        )
    renewal = request_right(
        session,
        None,
        NOW,
        first.household,
        RightRequest(first.ends_on + timedelta(days=1), 3, 2000, 20_000, "R"),
    )
    decide_right(session, None, NOW, renewal, grant=True)
    assert renewal.status == RightStatus.GRANTED  # the household keeps its place
    with pytest.raises(InvalidData, match="Aucune place libre"):
        offer_next_place(session, None, NOW)


def test_a_freed_place_goes_to_the_first_in_line_and_is_logged(session, granted):
    first, _second = granted("A"), granted("B")
    third = granted("C", at=NOW + timedelta(minutes=1))
    fourth = granted("D", at=NOW + timedelta(minutes=2))
    end_right(session, None, NOW, first, TODAY - timedelta(days=1), "Déménagement")
    offered = offer_next_place(session, None, NOW)
    assert offered is third and third.status == RightStatus.GRANTED
    assert third.starts_on == TODAY and (third.ends_on - third.starts_on).days >= 89
    assert fourth.status == RightStatus.WAITING
    logged = session.scalar(select(AuditEntry).where(AuditEntry.action == "right.place_offered"))
    assert logged.target == f"household:{third.household_id}"


def test_the_committee_sees_the_line_without_names_and_gives_the_place(
    client, session, granted, make_user, login
):
    first, _second = granted("Foyer Alpha"), granted("Foyer Beta")
    third = granted("Foyer Gamma", at=NOW + timedelta(minutes=1))
    make_user(Role.ADMIN, username="claire")
    login("claire")
    page = client.get("/commission")
    text = page_text(page)
    assert "<title>Commission d'accès — " in page.get_data(as_text=True)
    assert f"1 n° {third.household_id}" in text and "Gamma" not in text
    assert "Donner la place libre" not in text  # full
    end_right(session, None, NOW, first, TODAY - timedelta(days=1), "Fin")
    page = client.get("/commission")
    answer = client.post(
        "/commission/place",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True))},
        follow_redirects=True,
    )
    assert f"Place donnée au dossier n° {third.household_id}" in page_text(answer)
    assert third.status == RightStatus.GRANTED
