"""The ressourcerie: tare, states, repair log rules, a sale once, returns, the tonnage report."""

from datetime import date

import pytest

from inventory.errors import InvalidData
from inventory.models import (
    DataErasure,
    ItemState,
    OutflowChannel,
)
from inventory.ressourcerie.items import (
    RepairData,
    change_state,
    log_repair,
    set_price,
)
from inventory.ressourcerie.outflows import OutflowData, record_outflow
from inventory.ressourcerie.tonnage import percent, tonnage, tonnage_csv
from tests.inventory.ressourcerie.conftest import TODAY, intake


def test_default_categories_are_editable_records(categories):
    assert {
        "Vélos",
        "Gros électroménager",
        "Petit électroménager",
        "Mobilier",
        "Textiles",
        "Livres",
        "Jouets",
        "Autres",
    } <= set(categories)
    assert categories["Gros électroménager"].electrical
    assert not categories["Vélos"].electrical


def test_tare_is_taken_off(session, staff, now, categories):
    batch, item = intake(session, staff, now, categories["Textiles"], 18_400, 4_200)
    assert (batch.net_grams, item) == (14_200, None)
    with pytest.raises(InvalidData, match="La tare .* doit peser moins que le poids brut"):
        intake(session, staff, now, categories["Textiles"], 4_000, 4_200)
    with pytest.raises(InvalidData, match="Poids brut entre 1 g et 2 t"):
        intake(session, staff, now, categories["Textiles"], 0)


def test_kept_object_becomes_a_numbered_item(session, staff, now, categories):
    _, first = intake(
        session, staff, now, categories["Vélos"], 15_000, keep=True, description="VTC 28 pouces"
    )
    _, second = intake(
        session, staff, now, categories["Mobilier"], 9_000, keep=True, description="Chaise"
    )
    assert first.state == ItemState.COLLECTED and first.weight_grams == 15_000
    assert int(second.number[1:]) == int(first.number[1:]) + 1
    with pytest.raises(InvalidData, match="Décrivez l'objet gardé"):
        intake(session, staff, now, categories["Vélos"], 15_000, keep=True)


def test_state_machine(session, staff, now, categories):
    _, washer = intake(
        session,
        staff,
        now,
        categories["Gros électroménager"],
        62_000,
        keep=True,
        description="Lave-linge 7 kg",
        serial="WM7-88213",
    )
    with pytest.raises(InvalidData, match="Fixez d'abord le prix"):
        change_state(session, staff.id, now, washer, ItemState.READY)
    set_price(session, staff.id, now, washer, 12_000)
    log_repair(session, staff.id, now, washer, RepairData(TODAY, 90, parts="Courroie"))
    assert washer.state == ItemState.IN_REPAIR  # the first repair log starts the repair
    with pytest.raises(InvalidData, match="appareil électrique"):
        change_state(session, staff.id, now, washer, ItemState.READY)
    log_repair(
        session,
        staff.id,
        now,
        washer,
        RepairData(
            TODAY,
            60,
            tests="Essorage, chauffe, vidange, portillon",
            all_functions_tested=True,
            data_erasure=DataErasure.NOT_APPLICABLE,
        ),
    )
    change_state(session, staff.id, now, washer, ItemState.READY)
    with pytest.raises(InvalidData, match="« Prêt à la vente » → « Collecté » impossible"):
        change_state(session, staff.id, now, washer, ItemState.COLLECTED)
    # A bike needs no electrical tests.
    _, bike = intake(session, staff, now, categories["Vélos"], 15_000, keep=True, description="VTC")
    set_price(session, staff.id, now, bike, 3_500)
    change_state(session, staff.id, now, bike, ItemState.READY)
    change_state(session, staff.id, now, bike, ItemState.GIVEN)
    with pytest.raises(InvalidData, match="plus de réparation"):
        log_repair(session, staff.id, now, bike, RepairData(TODAY, 10))


def test_recycling_needs_a_channel_and_weighs_the_item_out(session, staff, now, categories):
    _, fridge = intake(
        session,
        staff,
        now,
        categories["Gros électroménager"],
        32_000,
        keep=True,
        description="Réfrigérateur",
    )
    with pytest.raises(InvalidData, match="filière de recyclage"):
        change_state(session, staff.id, now, fridge, ItemState.RECYCLED)
    change_state(session, staff.id, now, fridge, ItemState.RECYCLED, OutflowChannel.RECYCLING_DEEE)
    total = tonnage(session, TODAY, TODAY)[-1]
    assert (total.collected, total.recycled) == (32_000, 32_000)


def test_tonnage_report_on_a_known_data_set(session, staff, now, categories):
    """Collected 100 kg of appliances and 50 kg of textiles; reused 30 kg + 5 kg (partner),
    recycled 40 kg, discarded 10 kg."""
    appliances, textiles = categories["Gros électroménager"], categories["Textiles"]
    intake(session, staff, now, appliances, 40_000)
    _, washer = intake(session, staff, now, appliances, 30_000, keep=True, description="Lave-linge")
    intake(session, staff, now, appliances, 30_000)
    intake(session, staff, now, textiles, 54_200, 4_200)  # net 50 kg
    intake(session, staff, now, textiles, 9_000, day=date(2026, 10, 31))  # another month
    set_price(session, staff.id, now, washer, 9_000)
    log_repair(
        session,
        staff.id,
        now,
        washer,
        RepairData(TODAY, 60, all_functions_tested=True, data_erasure=DataErasure.NOT_APPLICABLE),
    )
    change_state(session, staff.id, now, washer, ItemState.READY)
    change_state(session, staff.id, now, washer, ItemState.GIVEN)
    for channel, category, grams, partner in (
        (OutflowChannel.RECYCLING_DEEE, appliances, 25_000, ""),
        (OutflowChannel.RECYCLING_TEXTILE, textiles, 15_000, ""),
        (OutflowChannel.DECHETERIE, appliances, 10_000, ""),
        (OutflowChannel.PARTNER, textiles, 5_000, "Emmaüs"),
    ):
        record_outflow(
            session,
            staff.id,
            now,
            TODAY,
            OutflowData(category.id, channel, TODAY, grams, 0, partner),
        )
    rows = {row.category: row for row in tonnage(session, date(2026, 11, 1), TODAY)}
    assert (
        rows["Gros électroménager"].collected,
        rows["Gros électroménager"].reused,
        rows["Gros électroménager"].recycled,
        rows["Gros électroménager"].discarded,
    ) == (100_000, 30_000, 25_000, 10_000)
    assert (rows["Textiles"].collected, rows["Textiles"].reused, rows["Textiles"].recycled) == (
        50_000,
        5_000,
        15_000,
    )
    total = rows["Total"]
    assert (total.collected, total.reused, total.recycled, total.discarded) == (
        150_000,
        35_000,
        40_000,
        10_000,
    )
    assert percent(total.reuse_rate_tenths) == "23,3 %"  # 35 / 150
    csv_text = tonnage_csv(list(rows.values()))
    assert "Total;150,000;35,000;40,000;10,000;23,3 %" in csv_text
    with pytest.raises(InvalidData, match="Nommez l'association partenaire"):
        record_outflow(
            session,
            staff.id,
            now,
            TODAY,
            OutflowData(textiles.id, OutflowChannel.PARTNER, TODAY, 1000),
        )


# ---- at the till ---------------------------------------------------------------------------
