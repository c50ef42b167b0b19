"""A wrong intake or outflow weight is corrected by a linked correction (who, when, why): the
record stays as typed, the tonnage uses the corrected weight."""

from datetime import date

import pytest
from sqlalchemy import select

from inventory.errors import InvalidData
from inventory.models import (
    Intake,
    ItemCategory,
    OutflowChannel,
    WeightCorrection,
)
from inventory.ressourcerie.corrections import correct_weight, effective_net
from inventory.ressourcerie.items import IntakeData, record_intake
from inventory.ressourcerie.outflows import OutflowData, record_outflow
from inventory.ressourcerie.tonnage import tonnage
from tests.conftest import csrf_token_from, page_text
from tests.inventory.ressourcerie.conftest import collection_type

DAY = date(2026, 11, 20)


@pytest.fixture
def books(session):
    return session.scalar(select(ItemCategory).where(ItemCategory.name == "Livres"))


def test_a_correction_changes_the_figures_and_leaves_the_record(session, staff, now, books):
    intake, _item = record_intake(
        session,
        staff.id,
        now,
        DAY,
        IntakeData(books.id, collection_type(session, "Apport volontaire"), DAY, 18_000),
    )
    outflow = record_outflow(
        session,
        staff.id,
        now,
        DAY,
        OutflowData(books.id, OutflowChannel.RECYCLING_OTHER, DAY, 5_000),
    )
    total = tonnage(session, DAY, DAY)[-1]
    assert total.collected == 18_000
    correct_weight(session, staff.id, now, intake, 1_800, "Virgule oubliée : 1,8 kg")
    correct_weight(session, staff.id, now, intake, 1_850, "Repesé : 1,85 kg")
    correct_weight(session, staff.id, now, outflow, 4_000, "Bac mal taré")
    assert intake.net_grams == 18_000  # as typed
    assert effective_net(session, intake) == 1_850
    total = tonnage(session, DAY, DAY)[-1]
    assert total.collected == 1_850
    assert total.recycled == 4_000
    history = session.scalars(
        select(WeightCorrection).where(WeightCorrection.intake_id == intake.id)
    ).all()
    assert [(c.old_net_grams, c.new_net_grams) for c in history] == [
        (18_000, 1_800),
        (1_800, 1_850),
    ]
    with pytest.raises(InvalidData, match="Motif de la correction"):
        correct_weight(session, staff.id, now, intake, 1_000, "  ")
    with pytest.raises(InvalidData, match="positif"):
        correct_weight(session, staff.id, now, intake, 0, "zéro")
    with pytest.raises(InvalidData, match="rien à corriger"):
        correct_weight(session, staff.id, now, intake, 1_850, "pareil")


def test_correcting_from_the_page(client, login, staff, session, now, books):
    intake, _item = record_intake(
        session,
        staff.id,
        now,
        DAY,
        IntakeData(books.id, collection_type(session, "Apport volontaire"), DAY, 18_000),
    )
    login(staff.username)
    page = client.get("/stock/ressourcerie/")
    token = csrf_token_from(page.get_data(as_text=True))
    refused = client.post(
        f"/stock/ressourcerie/entrees/{intake.id}/corriger",
        data={"csrf_token": token, "net_kg": "abc", "reason": "Virgule"},
        follow_redirects=True,
    )
    assert "Poids net corrigé : « abc » n'est pas un poids valide" in page_text(refused)
    done = client.post(
        f"/stock/ressourcerie/entrees/{intake.id}/corriger",
        data={"csrf_token": token, "net_kg": "1,8", "reason": "Virgule oubliée"},
        follow_redirects=True,
    )
    text = page_text(done)
    assert "Poids corrigé : 1,800 kg net." in text
    assert "1,800 kg net (corrigé : 18,000 kg saisis — Virgule oubliée)" in text
    assert session.get(Intake, intake.id).net_grams == 18_000
    assert client.post(f"/stock/ressourcerie/autre/{intake.id}/corriger").status_code in (400, 404)
