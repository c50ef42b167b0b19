"""A till stands at a ressourcerie sales point: set on Administration → Caisses, the items it
sells are counted by point in the ressourcerie report."""

from datetime import date

from sqlalchemy import select

from inventory.models import ChoiceKind, ItemCategory, ItemState, RessourcerieChoice
from inventory.ressourcerie.items import IntakeData, change_state, record_intake, set_price
from pos.models import PaymentMethod
from pos.services.basket import PaymentRequest
from reports.others import ressourcerie_report, sold_by_point
from reports.periods import Period
from tests.conftest import csrf_token_from, page_text
from tests.inventory.ressourcerie.conftest import collection_type
from tests.pos.conftest import TODAY, sell


def _ready_bike(session, staff, now, price=3_500, grams=15_000):
    bikes = session.scalar(select(ItemCategory).where(ItemCategory.name == "Vélos"))
    _, bike = record_intake(
        session,
        staff.id,
        now,
        TODAY,
        IntakeData(
            bikes.id, collection_type(session, "Apport volontaire"), TODAY, grams, 0, "VTC", True
        ),
    )
    set_price(session, staff.id, now, bike, price)
    change_state(session, staff.id, now, bike, ItemState.READY)
    return bike


def test_items_sold_are_counted_by_the_tills_point(
    session, till, open_till, cashier, staff, now, client, login
):
    shop = session.scalar(select(RessourcerieChoice).where(RessourcerieChoice.name == "Boutique"))
    login(staff.username)
    page = client.get("/pos/admin/caisses")
    assert "Point de vente (ressourcerie)" in page_text(page)
    client.post(
        "/pos/admin/caisses",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "action": "details",
            "till_id": str(till.id),
            "name": till.name,
            "in_service": "1",
            "point_id": str(shop.id),
        },
    )
    assert till.point_id == shop.id
    forged = client.post(
        "/pos/admin/caisses",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "action": "details",
            "till_id": str(till.id),
            "name": till.name,
            "in_service": "1",
            "point_id": str(collection_type(session, "Déchèterie")),
        },
        follow_redirects=True,
    )
    assert "Point de vente inconnu" in page_text(forged) and till.point_id == shop.id
    bike = _ready_bike(session, staff, now)
    sell(
        session,
        cashier,
        now,
        [],
        [PaymentRequest(PaymentMethod.CASH, 3_500)],
        3_500,
        items=(bike.number,),
    )
    period = Period(date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert sold_by_point(session, period) == [("Boutique", 15_000, 0)]
    titles = [t.title for t in ressourcerie_report(session, period).tables]
    assert "Objets vendus par point de vente" in titles
    assert ChoiceKind.POINT == shop.kind
