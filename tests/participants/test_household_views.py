"""The household pages as a social worker, the committee and the till see them."""

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.users.roles import Role
from participants.households.records import create_household
from participants.households.rights import RightRequest, request_right
from participants.models import Household, RightStatus
from tests.conftest import csrf_token_from, page_text
from tests.participants.test_households import ADULT, CHILD, household_data


@pytest.fixture
def referent(make_user):
    return make_user(Role.REFERENT, username="sophie", display_name="Sophie")


def _login_badge(client, user):
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post("/login/badge", data={"badge": user.badge_code, "pin": "1234", "csrf_token": token})


def test_referent_creates_a_household_and_sees_rav(client, session, referent, login):
    login("sophie")
    form = client.get("/foyers/nouveau")
    data = {
        "csrf_token": csrf_token_from(form.get_data(as_text=True)),
        "display_name": "Foyer Diallo",
        "referring_body": "ccas",
        "referrer_name": "M. Colin",
        "resources": "1 200,00",
        "charges": "600",
        "members-0-first_name": "Fatou",
        "members-0-birth_year": "1988",
        "members-0-sex": "F",
        "members-0-kinship": "reference",
        "members-1-first_name": "Moussa",
        "members-1-birth_year": "2016",
        "members-1-sex": "M",
        "members-1-kinship": "child",
    }
    for index in range(2, 6):
        data.update({f"members-{index}-sex": "X", f"members-{index}-kinship": "child"})
    response = client.post("/foyers/nouveau", data=data, follow_redirects=True)
    text = page_text(response)
    assert "Dossier créé pour Foyer Diallo." in text
    # (1 200 − 600) / 2 / 30 = 10,00 € ; UC 1 + 0,3
    assert "Reste à vivre : 10,00 € par personne et par jour" in text
    assert "au-dessus du seuil de 8,00 €" in text
    assert "Unités de consommation : 1,3" in text
    household = session.scalar(select(Household).where(Household.display_name == "Foyer Diallo"))
    assert household.referent_user_id == referent.id


def test_household_form_errors_are_french(client, referent, login):
    login("sophie")
    token = csrf_token_from(client.get("/foyers/nouveau").get_data(as_text=True))
    response = client.post(
        "/foyers/nouveau",
        data={
            "csrf_token": token,
            "display_name": "Foyer X",
            "referring_body": "ccas",
            "referrer_name": "M. Colin",
            "resources": "mille",
            "charges": "0",
        },
    )
    assert response.status_code == 422
    assert "« mille » n'est pas un montant valide" in page_text(response)


def test_reading_a_file_is_logged_and_others_are_refused(
    client, session, referent, make_user, login, now
):
    household = create_household(session, referent.id, now, household_data(ADULT))
    make_user(Role.REFERENT, username="marc")
    login("marc")
    assert client.get(f"/foyers/{household.id}").status_code == 403
    login("sophie")
    assert client.get(f"/foyers/{household.id}").status_code == 200
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.viewed")).all()
    assert [r.actor_id for r in reads] == [referent.id]


def test_committee_sees_no_names_and_decides(client, session, referent, make_user, login, now):
    household = create_household(session, referent.id, now, household_data(ADULT, CHILD))
    right = request_right(
        session,
        referent.id,
        now,
        household,
        RightRequest(date(2026, 12, 1), 3, 2000, 3000, "Épargner pour le permis"),
    )
    make_user(Role.ADMIN, username="claire")
    login("claire")
    page = client.get("/commission")
    text = page_text(page)
    assert f"n° {household.id}" in text and "1 adulte(s), 1 enfant(s)" in text
    assert "Épargner pour le permis" in text
    assert "Benali" not in text and "Amina" not in text
    assert client.get(f"/foyers/{household.id}").status_code == 403  # management: no file
    client.post(
        f"/commission/{right.id}/accorder",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "note": "Accord"},
    )
    assert right.status == RightStatus.GRANTED


def test_cashier_gets_only_the_till_answer(client, session, referent, make_user, now):
    household = create_household(session, referent.id, now, household_data(ADULT))
    cashier = make_user(Role.CAISSIER)
    _login_badge(client, cashier)
    assert client.get(f"/foyers/{household.id}").status_code == 403
    assert client.get("/foyers/").status_code == 403
    answer = client.get(f"/api/caisse/carte/{household.card_code}").get_json()
    assert answer["display_name"] == "Foyer Benali"
    assert answer["right_valid"] is False
    assert set(answer) == {
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
    unknown = client.get("/api/caisse/carte/0429999999990")
    assert unknown.status_code == 404 and "Carte inconnue" in unknown.get_json()["message"]


def test_referent_never_reaches_the_till_api(client, referent, login):
    login("sophie")
    assert client.get("/api/caisse/carte/0420000000013").status_code == 403


def test_export_json_download(client, session, referent, login, now):
    household = create_household(session, referent.id, now, household_data(ADULT))
    login("sophie")
    response = client.get(f"/foyers/{household.id}/export.json")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=foyer-{household.id}.json"
    )
    assert response.get_json()["personnes"][0]["prenom"] == "Amina"


def test_file_shows_visits_from_the_till_port(app, client, session, referent, login, now):
    from participants.households.rights import MonthVisits

    household = create_household(session, referent.id, now, household_data(ADULT))

    def visits(session, card_code):
        if card_code != household.card_code:
            return []
        return [
            MonthVisits(date(2026, 10, 1), 3, 2480, 12400),
            MonthVisits(date(2026, 11, 1), 1, 500, 2500),
        ]

    from participants.ports import HOUSEHOLD_VISITS

    with HOUSEHOLD_VISITS.answered_by(visits):
        login("sophie")
        text = page_text(client.get(f"/foyers/{household.id}"))
    assert "11/2026 1 5,00 € 25,00 €" in text
    assert text.index("11/2026") < text.index("10/2026 3 24,80 € 124,00 €")


def test_referent_closes_a_right(client, session, referent, login, now):
    from participants.households.rights import decide_right

    household = create_household(session, referent.id, now, household_data(ADULT))
    right = request_right(
        session,
        referent.id,
        now,
        household,
        RightRequest(date(2026, 11, 1), 3, 2000, 3000, "Permis"),
    )
    decide_right(session, referent.id, now, right, grant=True)
    login("sophie")
    page = client.get(f"/foyers/{household.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(
        f"/foyers/{household.id}/droits/{right.id}/clore",
        data={"csrf_token": token, "note": "Déménagement"},
        follow_redirects=True,
    )
    assert "Droit clos à la date d'aujourd'hui." in page_text(response)
    assert right.status == RightStatus.ENDED and right.decision_note == "Déménagement"


def test_a_nine_person_household_is_entered_whole_and_nobody_is_given_a_sex(
    client, session, referent, login
):
    """Six rows at first, « Ajouter des lignes » gives more (nothing saved meanwhile), nine
    people are kept, with their UC and reste à vivre; a sex not chosen stays « Non renseigné »."""
    from participants.models import Person, Sex

    login("sophie")
    page = client.get("/foyers/nouveau")
    html = page.get_data(as_text=True)
    assert "members-5-first_name" in html and "members-6-first_name" not in html
    assert '<option selected value="X">Non renseigné</option>' in html
    data = {
        "csrf_token": csrf_token_from(html),
        "display_name": "Foyer Traoré",
        "referring_body": "ccas",
        "referrer_name": "M. Colin",
        "resources": "2 700",
        "charges": "0",
        "members-0-first_name": "Awa",
        "members-0-birth_year": "1980",
        "members-0-kinship": "reference",
    }
    more = client.post("/foyers/nouveau", data={**data, "more": "1"})
    assert more.status_code == 200 and "members-8-first_name" in more.get_data(as_text=True)
    assert session.scalar(select(Household.id)) is None
    # Awa, her husband, an adult son and six children under 14 (ages from the birth year).
    from app.clock import shop_date, utcnow

    year = shop_date(utcnow()).year
    people = [("Ibrahim", str(year - 48)), ("Sékou", str(year - 21))] + [
        (f"Enfant{n}", str(year - 12 + n)) for n in range(6)
    ]
    for index, (name, year) in enumerate(people, 1):
        data.update(
            {
                f"members-{index}-first_name": name,
                f"members-{index}-birth_year": year,
                f"members-{index}-kinship": "child",
            }
        )
    done = client.post("/foyers/nouveau", data=data, follow_redirects=True)
    text = page_text(done)
    assert "Dossier créé pour Foyer Traoré." in text
    # UC: 1 (Awa) + 0,5 + 0,5 (two adults) + 6 × 0,3 = 3,8 ; RAV 2 700 / 9 / 30 = 10,00 €
    assert "Unités de consommation : 3,8" in text
    assert "Reste à vivre : 10,00 € par personne et par jour" in text
    household = session.scalar(select(Household).where(Household.display_name == "Foyer Traoré"))
    assert len(household.members) == 9
    assert {p.sex for p in session.scalars(select(Person))} == {Sex.UNSPECIFIED}
    # Editing shows every member and room for more.
    edit = client.get(f"/foyers/{household.id}/modifier").get_data(as_text=True)
    assert 'value="Enfant5"' in edit and "members-10-first_name" in edit
