"""The ateliers' bilan and the ressourcerie's tonnage as reports; the home dashboard."""

from datetime import date

from inventory.models import ItemCategory
from inventory.ressourcerie.items import IntakeData, record_intake
from participants.ateliers.attendance import RollCallEntry, record_roll_call
from participants.ateliers.contracts import ContractData, SlotData, create_contract
from participants.ateliers.exits import create_action, record_exit
from participants.ateliers.people import ParticipantData, save_participant
from participants.models import (
    ActionKind,
    Atelier,
    AttendanceStatus,
    ExitType,
    ParticipantStatus,
    ReferringBody,
)
from reports.others import ateliers_report, ressourcerie_report
from reports.periods import period_of
from tests.inventory.ressourcerie.conftest import collection_type
from tests.reports.test_reports import cells

NOVEMBER = period_of("mois", date(2026, 11, 15))


def test_ateliers_bilan(session, staff, now):
    garden = Atelier(code="jardinage", name="Jardinage", capacity=6)
    session.add(garden)
    session.flush()
    amina, bob = (
        save_participant(
            session,
            staff.id,
            now,
            ParticipantData(first, "X", status, ReferringBody.CCAS, "M. Colin", date(2026, 10, 1)),
        )
        for first, status in (("Amina", ParticipantStatus.RSA), ("Bob", ParticipantStatus.AAH))
    )
    create_contract(
        session,
        staff.id,
        now,
        amina,
        ContractData(
            "M. Colin",
            date(2026, 11, 2),
            date(2027, 4, 30),
            tuple(SlotData(garden.id, day, 540, 720) for day in (0, 2, 4)),
        ),
    )
    for day in (2, 4, 6):  # Monday, Wednesday, Friday of the first week: 3 × 3 h
        record_roll_call(
            session,
            staff.id,
            now,
            date(2026, 11, 30),
            garden,
            date(2026, 11, day),
            [RollCallEntry(amina.id, AttendanceStatus.PRESENT, 180)],
        )
    create_action(
        session, staff.id, now, ActionKind.OUTING, "Musée", date(2026, 11, 12), [amina.id, bob.id]
    )
    record_exit(session, staff.id, now, bob, date(2026, 11, 20), ExitType.CDI)
    report = ateliers_report(session, NOVEMBER)
    assert cells(report, "Participant·es par statut")[:2] == [["RSA", "1"], ["AAH", "1"]]
    # November from the 2nd: 5 Mondays, 4 Wednesdays, 4 Fridays = 13 × 3 h = 39 h planned.
    assert cells(report, "Heures") == [
        ["Prévues par les contrats", "39 h"],
        ["Faites", "9 h"],
        ["Réalisation", "23,1 %"],
    ]
    assert cells(report, "Contrats d'intégration")[:2] == [
        ["En cours sur la période", "1"],
        ["Signés sur la période (nouveaux)", "1"],
    ]
    assert cells(report, "Actions transversales") == [["Sortie", "1", "2"]]
    exits = cells(report, "Sorties")
    assert ["Positive : CDI", "1"] in exits and exits[-1] == ["Sorties positives / total", "1 / 1"]


def test_ressourcerie_report(session, staff, now):
    textiles = session.query(ItemCategory).filter_by(name="Textiles").one()
    record_intake(
        session,
        staff.id,
        now,
        date(2026, 11, 30),
        IntakeData(
            textiles.id,
            collection_type(session, "Apport volontaire"),
            date(2026, 11, 5),
            12_500,
            1_500,
        ),
    )
    report = ressourcerie_report(session, NOVEMBER)
    assert cells(report, "Tonnages par catégorie") == [
        ["Textiles", "11,000 kg", "0,000 kg", "0,000 kg", "0,000 kg", "0,0 %"],
        ["Total", "11,000 kg", "0,000 kg", "0,000 kg", "0,000 kg", "0,0 %"],
    ]


def test_dashboard_cards_follow_the_role(client, login, make_user, make_product, session, now):
    from app.users.roles import Role
    from tests.conftest import page_text

    make_user(Role.ENCADRANT, username="lea")
    login("lea")
    home = page_text(client.get("/accueil"))
    for title in (
        "Ventes du jour",
        "Caisses ouvertes",
        "Dates limites",
        "Ruptures",
        "Étiquettes à réimprimer",
        "Ateliers aujourd'hui",
    ):
        assert title in home
    client.post("/logout")
    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    assert "Ventes du jour" not in page_text(client.get("/accueil"))  # not her work
