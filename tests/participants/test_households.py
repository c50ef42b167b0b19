"""Households: the DOMAIN.md rules for RAV and UC, rights and renewals, cards, the till's answer,
privacy and anonymisation."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.settings.services import set_setting
from app.users.roles import Role
from participants.errors import CardRefused, InvalidData, NotAllowed
from participants.households.privacy import (
    anonymise_household,
    export_household,
    inactive_files,
    open_household_file,
    search_households,
)
from participants.households.records import (
    HouseholdData,
    MemberData,
    consumption_units_tenths,
    create_household,
    daily_remaining_cents,
    reissue_card,
)
from participants.households.rights import (
    RightRequest,
    decide_right,
    household_for_till,
    request_right,
    right_end,
)
from participants.models import Kinship, ReferringBody, RightStatus, Sex
from pos.services.spending import spent_this_month

ADULT = MemberData("Amina", 1985, Sex.FEMALE, Kinship.REFERENCE)
TEEN = MemberData("Yanis", 2010, Sex.MALE, Kinship.CHILD)
CHILD = MemberData("Léa", 2019, Sex.FEMALE, Kinship.CHILD)


def _at_till(session, card_code, day):
    """The till's answer for a card on ``day``, with what the household paid this month."""
    return household_for_till(session, card_code, day, spent=spent_this_month)


def household_data(*members, resources=120_000, charges=60_000, name="Foyer Benali"):
    return HouseholdData(
        name, ReferringBody.CCAS, "M. Colin (CCAS)", resources, charges, members=members or (ADULT,)
    )


@pytest.fixture
def referent(make_user):
    return make_user(Role.REFERENT, username="sophie", display_name="Sophie")


@pytest.fixture
def household(session, referent, now):
    return create_household(session, referent.id, now, household_data(ADULT, TEEN, CHILD))


def test_consumption_units_follow_the_scale():
    # 1 for the first adult, 0.5 per other person aged 14 or more, 0.3 per child under 14.
    assert consumption_units_tenths([1985], 2026) == 10
    assert consumption_units_tenths([1985, 1987, 2010, 2019], 2026) == 10 + 5 + 5 + 3
    assert consumption_units_tenths([2019, 1985], 2026) == 13  # the adult counts first
    assert consumption_units_tenths([], 2026) == 0


def test_reste_a_vivre_per_person_per_day():
    # (1 200 € − 600 €) / 3 persons / 30 days = 6,67 € per day
    assert daily_remaining_cents(120_000, 60_000, 3) == 667
    assert daily_remaining_cents(90_000, 90_000, 2) == 0
    assert daily_remaining_cents(50_000, 80_000, 2) == -500


def test_household_creation_is_validated(session, referent, now):
    with pytest.raises(InvalidData, match="exactement une personne de référence"):
        create_household(session, referent.id, now, household_data(TEEN))
    with pytest.raises(InvalidData, match="Année de naissance"):
        create_household(
            session,
            referent.id,
            now,
            household_data(MemberData("X", 1800, Sex.MALE, Kinship.REFERENCE)),
        )
    with pytest.raises(InvalidData, match="montant mensuel"):
        create_household(session, referent.id, now, household_data(ADULT, resources=-1))


def test_card_is_pseudonymous_and_reissued(session, household, referent, now):
    old = household.card_code
    assert old.startswith("042") and len(old) == 13
    new = reissue_card(session, referent.id, now, household, "perdue")
    assert new != old and household.card_code == new
    with pytest.raises(CardRefused, match="Carte remplacée"):
        _at_till(session, old, date(2026, 11, 23))
    assert _at_till(session, new, date(2026, 11, 23)).display_name == "Foyer Benali"
    with pytest.raises(CardRefused, match="Carte inconnue"):
        _at_till(session, "0429999999990", date(2026, 11, 23))


def _grant(session, household, actor, now, starts_on, months=3):
    right = request_right(
        session,
        actor.id,
        now,
        household,
        RightRequest(starts_on, months, 2000, 4000, "Solder une dette de loyer"),
    )
    decide_right(session, actor.id, now, right, grant=True)
    return right


def test_right_validity_at_its_boundaries(session, household, referent, now):
    right = _grant(session, household, referent, now, date(2026, 1, 15))
    assert right.ends_on == date(2026, 4, 14) == right_end(date(2026, 1, 15), 3)
    card = household.card_code
    assert not _at_till(session, card, date(2026, 1, 14)).right_valid  # not started
    first = _at_till(session, card, date(2026, 1, 15))
    assert first.right_valid and first.participation_rate_bp == 2000
    assert _at_till(session, card, date(2026, 4, 14)).right_valid  # last day
    expired = _at_till(session, card, date(2026, 4, 15))
    assert not expired.right_valid and expired.message == "Pas de droit en cours : prix public."


def test_pending_request_is_not_a_right(session, household, referent, now):
    request_right(
        session,
        referent.id,
        now,
        household,
        RightRequest(date(2026, 12, 1), 3, 2000, 4000, "Permis"),
    )
    answer = _at_till(session, household.card_code, date(2026, 12, 2))
    assert not answer.right_valid
    with pytest.raises(InvalidData, match="attend déjà la commission"):
        request_right(
            session,
            referent.id,
            now,
            household,
            RightRequest(date(2027, 3, 1), 3, 2000, 4000, "Permis"),
        )


@pytest.mark.parametrize(
    ("months", "rate", "allowance", "project", "message"),
    [
        (7, 2000, 4000, "P", "de 1 à 6 mois"),
        (3, 3500, 4000, "P", "de 10 % à 30 %"),
        (3, 2000, 0, "P", "Montant mensuel"),
        (3, 2000, 4000, " ", "projet personnel"),
    ],
)
def test_invalid_requests(
    session, household, referent, now, months, rate, allowance, project, message
):
    with pytest.raises(InvalidData, match=message):
        request_right(
            session,
            referent.id,
            now,
            household,
            RightRequest(date(2026, 12, 1), months, rate, allowance, project),
        )


def test_renewals_beyond_the_setting_are_refused(session, household, referent, now):
    first = _grant(session, household, referent, now, date(2026, 1, 1))
    renewal = _grant(session, household, referent, now, date(2026, 4, 1))
    assert renewal.renewal_of_id == first.id
    with pytest.raises(InvalidData, match="Renouvellement refusé.*après le 30/09/2026"):
        request_right(
            session,
            referent.id,
            now,
            household,
            RightRequest(date(2026, 7, 1), 3, 2000, 4000, "Encore"),
        )
    after_gap = _grant(session, household, referent, now, date(2026, 10, 1))
    assert after_gap.renewal_of_id is None
    set_setting(session, "epicerie.max_renewals", 2, now)
    assert _grant(session, household, referent, now, date(2027, 1, 1)).renewal_of_id


def test_monthly_allowance_across_month_ends(session, household, referent, now):
    _grant(session, household, referent, now, date(2026, 11, 1))
    paid = {date(2026, 11, 10): 2500, date(2026, 11, 30): 1000, date(2026, 12, 1): 700}

    def paid_this_month(session, card_code, day):
        return sum(
            v for d, v in paid.items() if (d.year, d.month) == (day.year, day.month) and d <= day
        )

    card = household.card_code
    answer = household_for_till(session, card, date(2026, 11, 30), spent=paid_this_month)
    assert (answer.spent_this_month_cents, answer.remaining_this_month_cents) == (3500, 500)
    december = household_for_till(session, card, date(2026, 12, 1), spent=paid_this_month)
    assert (december.spent_this_month_cents, december.remaining_this_month_cents) == (700, 3300)


def test_till_answer_holds_no_social_data(session, household, referent, now):
    _grant(session, household, referent, now, date(2026, 11, 1))
    answer = _at_till(session, household.card_code, date(2026, 11, 23))
    fields = set(answer.__dataclass_fields__)
    assert fields == {
        "card_code",
        "display_name",
        "right_valid",
        "message",
        "right_ends_on",
        "participation_rate_bp",
        "monthly_allowance_cents",
        "spent_this_month_cents",
        "remaining_this_month_cents",
    }


def test_referents_see_only_their_files_and_reads_are_logged(
    session, household, make_user, referent, now
):
    other = make_user(Role.REFERENT, username="marc")
    assert search_households(session, referent) == [household]
    assert search_households(session, other) == []
    with pytest.raises(NotAllowed):
        open_household_file(session, other, household.id, now, None)
    set_setting(session, "epicerie.referents_see_all", True, now)
    assert open_household_file(session, other, household.id, now, "10.0.0.9") == household
    read = session.scalar(select(AuditEntry).where(AuditEntry.action == "household.viewed"))
    assert (read.actor_id, read.target) == (other.id, f"household:{household.id}")
    cashier = make_user(Role.CAISSIER)
    with pytest.raises(NotAllowed):
        search_households(session, cashier)


def test_inactive_files_and_anonymisation_keep_the_aggregates(session, household, referent, now):
    _grant(session, household, referent, now, date(2026, 11, 1))
    assert inactive_files(session, now) == []
    later = now + timedelta(days=365 * 2 + 5)
    assert [f.household_id for f in inactive_files(session, later)] == [household.id]
    card = household.card_code
    anonymise_household(session, referent.id, later, household)
    assert household.display_name == f"Foyer anonymisé n° {household.id}"
    assert {p.first_name for p in household.members} == {"—"}
    assert household.card_code == card  # tickets keep pointing at it
    assert sorted((p.birth_year, p.sex) for p in household.members) == [
        (1985, Sex.FEMALE),
        (2010, Sex.MALE),
        (2019, Sex.FEMALE),
    ]
    assert [r.status for r in household.rights] == [RightStatus.GRANTED]
    assert inactive_files(session, later) == []
    with pytest.raises(CardRefused, match="clos"):
        _at_till(session, card, date(2026, 11, 23))


def test_export_has_the_whole_file(session, household, referent, now):
    _grant(session, household, referent, now, date(2026, 11, 1))
    data = export_household(household, 2026)
    assert data["foyer"]["nom"] == "Foyer Benali"
    assert data["foyer"]["reste_a_vivre_par_jour_cents"] == 667
    assert data["foyer"]["unites_de_consommation"] == 1.8
    assert [p["prenom"] for p in data["personnes"]] == ["Amina", "Yanis", "Léa"]
    assert data["droits"][0]["statut"] == "granted"
    assert data["cartes"][0]["code"] == household.card_code
