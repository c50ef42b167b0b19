"""Ressourcerie pages: intake with tare, the item's page, the till's item lookup, the report."""

from sqlalchemy import func, select

from inventory.models import Intake, ItemCategory, ItemState, Outflow, RessourcerieItem
from tests.conftest import csrf_token_from, page_text
from tests.inventory.ressourcerie.conftest import collection_type


def _token(client, url):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def test_intake_repair_ready_and_report(client, login, staff, session):
    login(staff.username)
    appliances = session.scalar(
        select(ItemCategory).where(ItemCategory.name == "Gros électroménager")
    )
    page = client.post(
        "/stock/ressourcerie/",
        data={
            "csrf_token": _token(client, "/stock/ressourcerie/"),
            "category_id": appliances.id,
            "collection_type_id": str(collection_type(session, "Déchèterie")),
            "collected_on": "2026-11-20",
            "gross_kg": "74,500",
            "container": "bac",
            "tare_kg": "",
            "keep": "1",
            "description": "Lave-linge 7 kg",
            "serial_number": "WM7-1",
        },
        follow_redirects=True,
    )
    washer = session.scalar(select(RessourcerieItem))
    assert f"Objet {washer.number} créé : imprimez son étiquette." in page_text(page)
    assert washer.weight_grams == 62_500  # 74,5 kg − the 12 kg bin
    url = f"/stock/ressourcerie/objets/{washer.number}"
    assert "Grille : 80,00 €" in page_text(client.get(url))
    token = _token(client, url)
    client.post(url, data={"csrf_token": token, "action": "price", "price": "120"})
    refused = client.post(
        url, data={"csrf_token": token, "action": "state", "state": "ready"}, follow_redirects=True
    )
    assert "appareil électrique" in page_text(refused)
    client.post(
        url,
        data={
            "csrf_token": token,
            "action": "repair",
            "day": "2026-11-21",
            "minutes": "90",
            "parts": "Courroie",
            "parts_cost": "12,50",
            "tests": "Essorage, chauffe",
            "all_tested": "1",
            "data_erasure": "not_applicable",
        },
    )
    ready = client.post(
        url, data={"csrf_token": token, "action": "state", "state": "ready"}, follow_redirects=True
    )
    assert f"{washer.number} : Prêt à la vente." in page_text(ready)
    assert "reconditionné" in page_text(ready) and "Courroie (12,50 €)" in page_text(ready)
    found = client.get(f"/stock/ressourcerie/?q={washer.number.lower()}")
    assert found.headers["Location"].endswith(f"/stock/ressourcerie/objets/{washer.number}")
    lookup = client.get(f"/api/pos/objets/{washer.number.lower()}")
    assert lookup.get_json()["sellable"] and lookup.get_json()["price_cents"] == 12_000
    report = page_text(client.get("/stock/ressourcerie/tonnage?du=2026-11-01&au=2026-11-30"))
    assert "Gros électroménager 62,500 0,000" in report
    csv_text = client.get(
        "/stock/ressourcerie/tonnage?du=2026-11-01&au=2026-11-30&format=csv"
    ).get_data(as_text=True)
    assert "Total;62,500;0,000;0,000;0,000;0,0 %" in csv_text


def test_bad_weights_are_explained(client, login, staff, session):
    login(staff.username)
    category = session.scalar(select(ItemCategory).where(ItemCategory.name == "Textiles"))
    page = client.post(
        "/stock/ressourcerie/",
        data={
            "csrf_token": _token(client, "/stock/ressourcerie/"),
            "category_id": category.id,
            "collection_type_id": str(collection_type(session, "Apport volontaire")),
            "collected_on": "2026-11-20",
            "gross_kg": "douze",
        },
        follow_redirects=True,
    )
    assert "Poids brut : « douze » n'est pas un poids valide" in page_text(page)
    assert session.scalar(select(RessourcerieItem)) is None


def test_forged_or_stale_choices_are_refused_and_nothing_is_written(client, login, staff, session):
    """The POST checks the ids it is sent in the service (not against lists loaded for the
    page): an archived category, an entry of another list, no collection type, an unknown
    point — each refused in French, nothing written."""
    login(staff.username)
    books = session.scalar(select(ItemCategory).where(ItemCategory.name == "Textiles"))
    archived = ItemCategory(name="Ancienne catégorie", is_active=False)
    session.add(archived)
    session.commit()
    door = collection_type(session, "Apport volontaire")
    base = {
        "collected_on": "2026-11-20",
        "gross_kg": "8,5",
        "container": "",
        "category_id": str(books.id),
    }
    refusals = [
        ({"category_id": str(archived.id), "collection_type_id": str(door)}, "catégorie"),
        ({"category_id": "99999", "collection_type_id": str(door)}, "catégorie"),
        ({"collection_type_id": ""}, "Type de collecte : à remplir."),
        ({"collection_type_id": str(door), "area_id": str(door)}, "Choix invalide"),
        ({"collection_type_id": str(door), "point_id": "2147483647"}, "Choix invalide"),
        ({"collection_type_id": "abc"}, "Choisissez le type de collecte."),
    ]
    for changes, message in refusals:
        token = _token(client, "/stock/ressourcerie/")
        page = client.post(
            "/stock/ressourcerie/",
            data={**base, **changes, "csrf_token": token},
            follow_redirects=True,
        )
        assert page.status_code == 200 and message in page_text(page), changes
    for point in ("99999", str(door)):
        token = _token(client, "/stock/ressourcerie/sorties")
        page = client.post(
            "/stock/ressourcerie/sorties",
            data={
                **base,
                "csrf_token": token,
                "channel": "recycling_other",
                "day": "2026-11-20",
                "point_id": point,
            },
            follow_redirects=True,
        )
        assert "Choix invalide" in page_text(page), point
    assert session.scalar(select(func.count()).select_from(Intake)) == 0
    assert session.scalar(select(func.count()).select_from(Outflow)) == 0


def test_the_till_is_told_when_an_item_is_not_for_sale(client, login, staff, session, now):
    from inventory.ressourcerie.items import IntakeData, record_intake

    category = session.scalar(select(ItemCategory).where(ItemCategory.name == "Vélos"))
    _, bike = record_intake(
        session,
        staff.id,
        now,
        now.date(),
        IntakeData(
            category.id,
            collection_type(session, "Apport volontaire"),
            now.date(),
            15_000,
            0,
            "VTC",
            True,
        ),
    )
    login(staff.username)
    answer = client.get(f"/api/pos/objets/{bike.number}").get_json()
    assert answer["sellable"] is False
    assert answer["message"] == f"L'objet {bike.number} n'est pas en vente (collecté)."
    assert bike.state == ItemState.COLLECTED
    assert client.get("/api/pos/objets/R99999").status_code == 404


def test_a_categorys_price_grid_and_standard_weight(client, login, staff, session):
    login(staff.username)
    books = session.scalar(select(ItemCategory).where(ItemCategory.name == "Livres"))
    url = "/stock/ressourcerie/categories"

    def save(grid, weight):
        return client.post(
            url,
            data={
                "csrf_token": _token(client, url),
                "category_id": str(books.id),
                "name": "Livres",
                "suggested_price": "1",
                "price_grid": grid,
                "standard_weight": weight,
            },
            follow_redirects=True,
        )

    page = save("Poche : 0,50\r\nGrand format : 2", "0,3")
    assert "Catégorie « Livres » enregistrée." in page_text(page)
    assert books.price_grid == [
        {"label": "Poche", "price_cents": 50},
        {"label": "Grand format", "price_cents": 200},
    ]
    assert books.standard_weight_grams == 300
    assert "Poche : 0,50\nGrand format : 2,00" in page.get_data(as_text=True)
    for grid, weight, message in [
        ("Poche 0,50", "0,3", "Grille de prix, ligne 1 : « Poche 0,50 »"),
        ("Poche : 0,50", "lourd", "n'est pas un poids valide"),
        ("Poche : 0,50", "0", "Poids standard : plus de 0"),
    ]:
        assert message in page_text(save(grid, weight))
    assert books.price_grid[0] == {"label": "Poche", "price_cents": 50}  # unchanged
    assert books.standard_weight_grams == 300
