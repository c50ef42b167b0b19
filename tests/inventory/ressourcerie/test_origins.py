"""Where objects come from: origin areas, collection types and collection points, editable
lists; each intake records them, the tonnage gives the kilos by each (corrections counted)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from inventory.errors import InvalidData
from inventory.models import ChoiceKind, Intake, ItemCategory, RessourcerieChoice
from inventory.ressourcerie.choices import choices, collected_tables, save_choice
from inventory.ressourcerie.corrections import correct_weight
from inventory.ressourcerie.items import IntakeData, record_intake
from reports.others import ressourcerie_report
from reports.periods import Period
from tests.conftest import csrf_token_from, page_text
from tests.inventory.ressourcerie.conftest import collection_type

DAY = date(2026, 11, 20)


@pytest.fixture
def books(session):
    return session.scalar(select(ItemCategory).where(ItemCategory.name == "Livres"))


def test_the_lists_are_edited_and_an_archived_entry_is_no_longer_offered(session):
    north = save_choice(session, ChoiceKind.AREA, None, "Quartier Nord")
    with pytest.raises(InvalidData, match="déjà dans la liste"):
        save_choice(session, ChoiceKind.AREA, None, "quartier nord")
    save_choice(session, ChoiceKind.POINT, None, "Quartier Nord")  # another list: allowed
    save_choice(session, ChoiceKind.AREA, north.id, "Les Quatre Chemins", active=False)
    assert north.name == "Les Quatre Chemins"
    assert north not in choices(session, ChoiceKind.AREA)
    assert [c.name for c in choices(session, ChoiceKind.COLLECTION_TYPE)] == [
        "Apport volontaire",
        "Collecte à domicile",
        "Déchèterie",
        "Partenaire",
        "Vide-maison",
    ]
    with pytest.raises(InvalidData, match="n'existe plus"):
        save_choice(session, ChoiceKind.POINT, north.id, "Autre")  # an area's id, as a point


def test_kilos_by_origin_type_and_point(session, staff, now, books):
    north = save_choice(session, ChoiceKind.AREA, None, "Quartier Nord")
    shop = session.scalar(select(RessourcerieChoice).where(RessourcerieChoice.name == "Boutique"))
    door = collection_type(session, "Apport volontaire")
    first, _ = record_intake(
        session,
        staff.id,
        now,
        DAY,
        IntakeData(books.id, door, DAY, 12_000, area_id=north.id, point_id=shop.id),
    )
    record_intake(
        session,
        staff.id,
        now,
        DAY,
        IntakeData(books.id, collection_type(session, "Déchèterie"), DAY, 3_000),
    )
    correct_weight(session, staff.id, now, first, 10_000, "Repesé")
    with pytest.raises(InvalidData, match="Choix invalide"):
        record_intake(session, staff.id, now, DAY, IntakeData(books.id, north.id, DAY, 1_000))
    with pytest.raises(InvalidData, match="Choix invalide"):
        record_intake(
            session, staff.id, now, DAY, IntakeData(books.id, door, DAY, 1_000, area_id=shop.id)
        )
    tables = dict(collected_tables(session, DAY, DAY))
    assert tables["Collecté par origine"] == [("Non renseigné", 3_000), ("Quartier Nord", 10_000)]
    assert tables["Collecté par type de collecte"] == [
        ("Apport volontaire", 10_000),
        ("Déchèterie", 3_000),
    ]
    assert tables["Collecté par point de collecte"] == [
        ("Boutique", 10_000),
        ("Non renseigné", 3_000),
    ]
    report = ressourcerie_report(session, Period(DAY, DAY, "20/11/2026"))
    titles = [table.title for table in report.tables]
    assert "Collecté par origine" in titles and "Collecté par point de collecte" in titles


def test_the_intake_page_records_type_origin_and_point(client, login, staff, session, books):
    north = save_choice(session, ChoiceKind.AREA, None, "Quartier Nord")
    login(staff.username)
    page = client.get("/stock/ressourcerie/")
    html = page.get_data(as_text=True)
    assert "Quartier Nord" in html and "Type de collecte" in html
    answer = client.post(
        "/stock/ressourcerie/",
        data={
            "csrf_token": csrf_token_from(html),
            "category_id": str(books.id),
            "collection_type_id": str(collection_type(session, "Vide-maison")),
            "area_id": str(north.id),
            "collected_on": "2026-11-20",
            "gross_kg": "7,5",
            "container": "",
        },
        follow_redirects=True,
    )
    assert "Collecte enregistrée : 7,500 kg net." in page_text(answer)
    intake = session.scalar(select(Intake))
    assert (intake.area_id, intake.point_id) == (north.id, None)
    lists = client.get("/stock/ressourcerie/listes")
    assert "Types de collecte" in page_text(lists)
    added = client.post(
        "/stock/ressourcerie/listes",
        data={
            "csrf_token": csrf_token_from(lists.get_data(as_text=True)),
            "kind": "point",
            "name": "Chalet de la déchèterie",
        },
        follow_redirects=True,
    )
    assert "« Chalet de la déchèterie » enregistré." in page_text(added)


def test_a_list_entry_without_its_list_is_refused(client, login, staff, session):
    login(staff.username)
    page = client.get("/stock/ressourcerie/listes")
    token = csrf_token_from(page.get_data(as_text=True))
    before = session.scalar(select(func.count(RessourcerieChoice.id)))
    for kind in ("", "planete"):
        answer = client.post(
            "/stock/ressourcerie/listes",
            data={"csrf_token": token, "kind": kind, "name": "Mars"},
            follow_redirects=True,
        )
        assert "Liste inconnue." in page_text(answer)
    assert session.scalar(select(func.count(RessourcerieChoice.id))) == before
