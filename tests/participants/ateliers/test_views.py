"""The atelier pages: an encadrant's contract, roll call and hours; who may see a file."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.clock import shop_date, utcnow
from app.users.roles import Role
from participants.ateliers.common import format_minutes
from participants.models import Atelier, Participant
from tests.conftest import csrf_token_from, page_text


@pytest.fixture
def encadrant(make_user):
    return make_user(Role.ENCADRANT, username="karim", display_name="Karim")


@pytest.fixture
def garden(session, encadrant):
    atelier = Atelier(
        code="jardinage", name="Jardinage et bricolage", capacity=6, encadrant_id=encadrant.id
    )
    session.add(atelier)
    session.flush()
    return atelier


def _token(client, url):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _new_participant(client):
    token = _token(client, "/ateliers/participants/nouveau")
    return client.post(
        "/ateliers/participants/nouveau",
        data={
            "csrf_token": token,
            "first_name": "Amina",
            "last_name": "Diallo",
            "status": "rsa",
            "referring_body": "ccas",
            "referrer_name": "M. Colin",
            "entry_date": "2026-09-01",
        },
        follow_redirects=True,
    )


def test_encadrant_signs_a_contract_takes_the_roll_call_and_sees_hours(
    client, session, login, encadrant, garden
):
    login("karim")
    page = _new_participant(client)
    assert "Établissez maintenant son contrat" in page_text(page)
    amina = session.scalar(select(Participant).where(Participant.first_name == "Amina"))
    today = shop_date(utcnow())
    monday = today - timedelta(days=today.weekday())
    url = f"/ateliers/participants/{amina.id}/contrat"
    data = {
        "csrf_token": _token(client, url),
        "referent_name": "M. Colin",
        "start_date": monday.isoformat(),
        "end_date": (monday + timedelta(days=180)).isoformat(),
        "minimum": "",
    }
    for index, day in enumerate((0, 2, 4)):  # 3 × 3 h
        data.update(
            {
                f"slots-{index}-atelier": str(garden.id),
                f"slots-{index}-day": str(day),
                f"slots-{index}-start": "9:00",
                f"slots-{index}-end": "11:00",
            }
        )
    short = client.post(url, data=data, follow_redirects=True)
    assert "Le planning prévoit 6 h par semaine ; le contrat en demande au moins 9 h." in page_text(
        short
    )
    for index in range(3):
        data[f"slots-{index}-end"] = "12:00"
    done = client.post(url, data=data, follow_redirects=True)
    assert "Contrat enregistré : 9 h par semaine." in page_text(done)
    # Monday's roll call: absent without reason → an alert on the file and the atelier page.
    call_url = f"/ateliers/jardinage/appel?jour={monday.isoformat()}"
    call = client.get(call_url)
    assert "Amina Diallo" in page_text(call) and "9:00–12:00 (3 h)" in page_text(call)
    client.post(
        call_url,
        data={
            "csrf_token": csrf_token_from(call.get_data(as_text=True)),
            f"status-{amina.id}": "unjustified",
            f"hours-{amina.id}": "0",
        },
    )
    file = page_text(client.get(f"/ateliers/participants/{amina.id}"))
    # Due: Monday (called), and the other planned days already past (Wednesday, Friday).
    due = [day for day in (0, 2, 4) if day < today.weekday() or day == 0]
    assert f"alerte : {format_minutes(180 * len(due))} manquantes" in file
    assert "Heures en retard" in page_text(client.get("/ateliers/"))
    printable = page_text(client.get(f"/ateliers/contrats/{amina.contracts[0].id}/imprimer"))
    assert "9 h par semaine" in printable and "Lundi 9:00 – 12:00" in printable
    reads = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.viewed")
    ).all()
    assert reads and all(r.target == f"participant:{amina.id}" for r in reads)


def test_roll_call_without_an_answer_is_refused(client, session, login, encadrant, garden, now):
    from participants.ateliers.contracts import ContractData, SlotData, create_contract

    login("karim")
    _new_participant(client)
    amina = session.scalar(select(Participant).where(Participant.first_name == "Amina"))
    today = shop_date(utcnow())
    create_contract(
        session,
        encadrant.id,
        now,
        amina,
        ContractData(
            "M. Colin",
            today - timedelta(days=14),
            today + timedelta(days=60),
            tuple(SlotData(garden.id, d, 540, 720) for d in range(5)),
        ),
    )
    call_url = f"/ateliers/jardinage/appel?jour={today.isoformat()}"
    if today.weekday() > 4:
        pytest.skip("week-end: nobody is expected")
    answer = client.post(
        call_url, data={"csrf_token": _token(client, call_url)}, follow_redirects=True
    )
    assert "Indiquez présent·e ou absent·e pour Amina Diallo." in page_text(answer)


@pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 403), (Role.JARDIN, 403)])
def test_who_cannot_open_a_participant_file(
    client, session, login, make_user, staff, now, role, status
):
    from datetime import date

    from participants.ateliers.people import ParticipantData, save_participant
    from participants.models import ParticipantStatus, ReferringBody

    amina = save_participant(
        session,
        staff.id,
        now,
        ParticipantData(
            "Amina",
            "Diallo",
            ParticipantStatus.RSA,
            ReferringBody.CCAS,
            "M. Colin",
            date(2026, 9, 1),
        ),
    )
    make_user(role, username="someone")
    login("someone")
    assert client.get(f"/ateliers/participants/{amina.id}").status_code == status


def test_management_reads_the_exits_table_without_names(
    client, session, login, make_user, staff, now
):
    from datetime import date

    from participants.ateliers.exits import record_exit
    from participants.ateliers.people import ParticipantData, save_participant
    from participants.models import ExitType, ParticipantStatus, ReferringBody

    for index, kind in enumerate((ExitType.CDI, ExitType.TRAINING, ExitType.MOVED)):
        person = save_participant(
            session,
            staff.id,
            now,
            ParticipantData(
                f"Nom{index}",
                "Secret",
                ParticipantStatus.RSA,
                ReferringBody.CCAS,
                "X",
                date(2026, 1, 1),
            ),
        )
        record_exit(session, staff.id, now, person, date(2026, 6, 1), kind)
    make_user(Role.ADMIN, username="direction")
    login("direction")
    text = page_text(client.get("/ateliers/sorties?annee=2026"))
    assert "Total des sorties positives 2" in text
    assert "Total des sorties sans solution 1" in text
    assert "Secret" not in text


def test_encadrant_edits_an_atelier(client, session, login, encadrant, garden):
    login("karim")
    token = _token(client, "/ateliers/")
    answer = client.post(
        "/ateliers/jardinage/modifier",
        data={
            "csrf_token": token,
            "capacity": "0",
            "opens_at": "9:00",
            "closes_at": "17:00",
            "encadrant_id": str(encadrant.id),
        },
        follow_redirects=True,
    )
    assert "Capacité : entre 1 et 30." in page_text(answer)
    client.post(
        "/ateliers/jardinage/modifier",
        data={
            "csrf_token": token,
            "capacity": "8",
            "opens_at": "8:30",
            "closes_at": "16h30",
            "encadrant_id": str(encadrant.id),
        },
    )
    session.refresh(garden)
    assert (garden.capacity, garden.opens_at, garden.closes_at, garden.encadrant_id) == (
        8,
        510,
        990,
        encadrant.id,
    )


def test_a_participant_file_is_corrected(client, session, login, encadrant):
    login("karim")
    _new_participant(client)
    amina = session.scalar(select(Participant).where(Participant.first_name == "Amina"))
    url = f"/ateliers/participants/{amina.id}/modifier"
    form = client.get(url)
    assert 'value="Diallo"' in form.get_data(as_text=True)
    page = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
            "first_name": "Aminata",
            "last_name": "Diallo",
            "status": "aah",
            "referring_body": "mission_locale",
            "referrer_name": "Mme Aubert",
            "entry_date": "2026-09-01",
        },
        follow_redirects=True,
    )
    assert "Fiche enregistrée." in page_text(page) and "Aminata Diallo" in page_text(page)
    session.refresh(amina)
    assert amina.status.value == "aah"


def test_a_contract_refused_names_each_wrong_value_and_writes_nothing(
    client, session, login, encadrant, garden
):
    """The planning is one form (a list of slot rows): a slot without hours, a time that is not
    one and a forged atelier are each named, with the row; the values typed stay; nothing is
    saved."""
    from participants.models import Contract

    login("karim")
    _new_participant(client)
    amina = session.scalar(select(Participant).where(Participant.first_name == "Amina"))
    url = f"/ateliers/participants/{amina.id}/contrat"
    answer = client.post(
        url,
        data={
            "csrf_token": _token(client, url),
            "referent_name": "M. Colin",
            "start_date": "2026-12-07",
            "end_date": "2027-06-04",
            "minimum": "beaucoup",
            "slots-0-atelier": str(garden.id),
            "slots-0-day": "0",
            "slots-0-start": "9:00",
            "slots-1-atelier": str(garden.id),
            "slots-1-day": "2",
            "slots-1-start": "25:00",
            "slots-1-end": "12:00",
            "slots-2-atelier": "999999",
            "slots-2-day": "7",
        },
    )
    text = page_text(answer)
    assert "Créneau 1 : heures de début et de fin (ex. 9:00, 12:00)." in text
    assert "Début du créneau 2 : heure invalide (ex. 9:00)." in text
    assert "Atelier du créneau 3 : Choisissez un atelier dans la liste." in text
    assert "Jour du créneau 3 : Choisissez un jour du lundi au vendredi." in text
    assert "Minimum d'heures par semaine : « beaucoup » n'est pas une durée" in text
    assert 'value="25:00"' in answer.get_data(as_text=True)  # what was typed stays
    assert session.scalar(select(Contract.id)) is None


def test_a_number_typed_wrong_keeps_its_own_message(client, session, login, encadrant, garden):
    """« abc » as a capacity is not a number — not an empty field."""
    login("karim")
    answer = client.post(
        "/ateliers/jardinage/modifier",
        data={
            "csrf_token": _token(client, "/ateliers/"),
            "capacity": "abc",
            "opens_at": "17:00",
            "closes_at": "9:00",
            "encadrant_id": str(encadrant.id),
        },
        follow_redirects=True,
    )
    text = page_text(answer)
    assert "Capacité : « abc » n'est pas un nombre entier (exemple : 12)." in text
    assert "obligatoire" not in text and "à remplir" not in text
    assert "Horaires invalides (ex. 9:00 et 17:00)." in text
    session.refresh(garden)
    assert garden.capacity == 6
