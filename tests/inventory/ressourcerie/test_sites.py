"""The ressourcerie per site: each site weighs its own intakes and outflows, tags its own items
(« NORD-R00001 » at site NORD, as its tickets) and sells them at its own tills only."""

from datetime import date

import pytest

from app.sites.models import FIRST_SITE_ID
from app.sites.services import give_sites
from app.users.roles import Role
from inventory.models import ItemState, OutflowChannel
from inventory.ressourcerie.items import set_price
from inventory.ressourcerie.outflows import OutflowData, record_outflow
from pos.errors import NotFound
from pos.services.basket import items_for_sale
from tests.conftest import page_text
from tests.inventory.ressourcerie.conftest import TODAY, intake


@pytest.fixture
def tagged_at_both(session, staff, now, categories, north):
    furniture = categories["Mobilier"]
    _, here = intake(session, staff, now, furniture, 20_000, keep=True, description="Table")
    _, there = intake(
        session,
        staff,
        now,
        furniture,
        31_000,
        keep=True,
        description="Buffet de l'antenne",
        site_id=north.id,
    )
    _, again = intake(
        session, staff, now, furniture, 5_000, keep=True, description="Chaise", site_id=north.id
    )
    for item in (here, there, again):
        set_price(session, staff.id, now, item, 4_000)
        item.state = ItemState.READY
    session.flush()
    return here, there, again


def test_each_site_numbers_its_own_tags(tagged_at_both, session, staff, now, categories, north):
    here, there, again = tagged_at_both
    assert (here.number, there.number, again.number) == ("R00001", "NORD-R00001", "NORD-R00002")
    assert (here.site_id, there.site_id, again.site_id) == (FIRST_SITE_ID, north.id, north.id)
    assert there.intake_id is not None
    _, next_here = intake(
        session, staff, now, categories["Mobilier"], 1_000, keep=True, description="Tabouret"
    )
    assert next_here.number == "R00002"  # the antenna's tags do not move the first site's


def test_a_till_sells_its_own_sites_items_only(tagged_at_both, session, north):
    _here, there, _again = tagged_at_both
    with pytest.raises(NotFound, match="NORD-R00001 inconnu"):
        items_for_sale(session, ("NORD-R00001",), FIRST_SITE_ID)
    assert items_for_sale(session, ("nord-r00001",), north.id) == [there]


def test_a_person_sees_the_ressourcerie_of_their_site(
    client, login, session, tagged_at_both, make_user, staff, now, categories, north
):
    """The first site's encadrant: the antenna's item is unknown (page, till API, labels), its
    weights are not in the first site's tonnage; working at the antenna, it is all there."""
    record_outflow(
        session,
        staff.id,
        now,
        TODAY,
        OutflowData(
            categories["Mobilier"].id,
            OutflowChannel.RECYCLING_OTHER,
            TODAY,
            7_000,
            site_id=north.id,
        ),
    )
    boss = make_user(Role.ENCADRANT, username="lea", display_name="Léa")
    session.commit()
    login("lea")
    assert client.get("/stock/ressourcerie/objets/NORD-R00001").status_code == 404
    answer = client.get("/api/pos/objets/NORD-R00001")
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"
    assert "Buffet de l'antenne" not in page_text(client.get("/etiquettes/ressourcerie"))
    period = f"?du={date(2026, 11, 1).isoformat()}&au={TODAY.isoformat()}&format=csv"
    here = client.get("/stock/ressourcerie/tonnage" + period).get_data(as_text=True)
    assert "Mobilier;20,000;0,000;0,000;0,000" in here
    give_sites(session, boss.id, [FIRST_SITE_ID, north.id])
    session.commit()
    with client.session_transaction() as cookie:
        cookie["site_id"] = north.id
    page = client.get("/stock/ressourcerie/objets/NORD-R00001")
    assert page.status_code == 200 and "Buffet de l'antenne" in page_text(page)
    there = client.get("/stock/ressourcerie/tonnage" + period).get_data(as_text=True)
    assert "Mobilier;36,000;0,000;7,000;0,000" in there  # 31 + 5 kg collected, 7 recycled
