"""What shelving staff and the jardin atelier see on the stock pages."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.sites.models import FIRST_SITE_ID
from app.users.roles import Role
from inventory.models import Harvest, LotOrigin, StockUnit
from inventory.services.ledger import stock_on_hand
from inventory.services.receptions import ReceptionData, start_reception
from tests.conftest import csrf_token_from, page_text


@pytest.fixture
def as_staff(client, staff, login):
    login("karim")
    return client


def _token(client, path):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def test_receive_by_scanning(as_staff, session, staff, now, make_product):
    pasta = make_product("Pâtes 500 g", barcodes=["3017620422003"])
    reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.PURCHASE))
    page = as_staff.get(f"/stock/receptions/{reception.id}?code=3017620422003")
    assert "2. Pâtes 500 g" in page_text(page)
    response = as_staff.post(
        f"/stock/receptions/{reception.id}",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "product_id": pasta.id,
            "quantity": "12",
            "date_kind": "best_before",
            "expiry": (now.date() + timedelta(days=300)).isoformat(),
        },
        follow_redirects=True,
    )
    assert "Pâtes 500 g : lot enregistré." in page_text(response)
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 12


def test_weighed_products_are_received_in_kilograms(as_staff, session, staff, now, make_product):
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"])
    reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.DONATION))
    token = _token(as_staff, f"/stock/receptions/{reception.id}?code=2100005000000")
    as_staff.post(
        f"/stock/receptions/{reception.id}",
        data={
            "csrf_token": token,
            "product_id": tomatoes.id,
            "quantity": "2,5",
            "date_kind": "none",
        },
    )
    assert stock_on_hand(session, tomatoes.id, FIRST_SITE_ID) == 2500


def test_bad_lot_input_is_explained_and_nothing_is_written(
    as_staff, session, staff, now, make_product
):
    pasta = make_product("Pâtes", barcodes=["3017620422003"])
    reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.PURCHASE))
    token = _token(as_staff, f"/stock/receptions/{reception.id}")
    for quantity, date_kind, message in (
        ("douze", "none", "n'est pas un nombre de pièces"),
        ("3", "use_by", "Donnez la date limite"),
    ):
        response = as_staff.post(
            f"/stock/receptions/{reception.id}",
            data={
                "csrf_token": token,
                "product_id": pasta.id,
                "quantity": quantity,
                "date_kind": date_kind,
            },
            follow_redirects=True,
        )
        assert response.status_code == 200 and message in page_text(response)
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 0


def test_unknown_barcode_offers_to_create_the_product(as_staff, session, staff, now):
    reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.PURCHASE))
    page = as_staff.get(f"/stock/receptions/{reception.id}?code=3017620422003")
    assert "Le code 3017620422003 n'est pas au catalogue." in page_text(page)
    assert "/stock/products/new?code=3017620422003" in page.get_data(as_text=True)
    form = as_staff.get("/stock/products/new?code=3017620422003")
    assert 'value="3017620422003"' in form.get_data(as_text=True)


def test_wrong_check_digit_scan_is_refused(as_staff, session, staff, now):
    reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.PURCHASE))
    page = as_staff.get(f"/stock/receptions/{reception.id}?code=3017620422004")
    assert "chiffre de contrôle faux" in page_text(page)


def test_jardin_logs_a_harvest(client, session, make_user, login, make_product, parcels):
    make_user(Role.JARDIN, username="julien")
    courgettes = make_product("Courgettes", 250, StockUnit.KILOGRAM)
    login("julien")
    assert client.get("/stock/").status_code == 403
    token = _token(client, "/stock/jardin")
    response = client.post(
        "/stock/jardin",
        data={
            "csrf_token": token,
            "parcel_number": "2",
            "product_id": courgettes.id,
            "weight": "3,75",
            "harvested_on": "2026-11-20",
        },
        follow_redirects=True,
    )
    assert "Livraison enregistrée : Courgettes, parcelle 2." in page_text(response)
    assert session.scalar(select(Harvest.weight_grams)) == 3750
    assert "3,75 kg" in page_text(client.get("/stock/jardin?annee=2026"))


def test_the_jardin_parcels_are_edited_added_and_retired(
    client, session, make_user, login, make_product, parcels
):
    from inventory.models import GardenParcel

    make_user(Role.ENCADRANT, username="elise")
    make_user(Role.JARDIN, username="julien")
    courgettes = make_product("Courgettes", 250, StockUnit.KILOGRAM)
    login("elise")
    token = _token(client, "/stock/jardin/parcelles")
    answer = client.post(
        "/stock/jardin/parcelles",
        data={
            "csrf_token": token,
            "action": "edit",
            "number": "2",
            "name": "Les Fraisiers",
            "area": "620",
            "grown": "1",
        },
        follow_redirects=True,
    )
    assert "Parcelle 2 enregistrée." in page_text(answer)
    forged = {"csrf_token": token, "action": "edit", "number": "abc", "name": "X", "area": "1"}
    assert client.post("/stock/jardin/parcelles", data=forged).status_code == 404
    assert client.post("/stock/jardin/parcelles", data={**forged, "action": ""}).status_code == 400
    client.post(
        "/stock/jardin/parcelles",
        data={
            "csrf_token": token,
            "action": "edit",
            "number": "6",
            "name": "Parcelle 6",
            "area": "500",
        },
    )
    answer = client.post(
        "/stock/jardin/parcelles",
        data={"csrf_token": token, "action": "add", "name": "Serre", "area": "80"},
        follow_redirects=True,
    )
    assert "Parcelle 7 « Serre » ajoutée." in page_text(answer)
    answer = client.post(
        "/stock/jardin/parcelles",
        data={"csrf_token": token, "action": "add", "name": "Serre froide", "area": "beaucoup"},
        follow_redirects=True,
    )
    assert "Surface (m²) : « beaucoup » n'est pas un nombre entier" in page_text(answer)
    assert (
        session.scalar(select(GardenParcel.name).where(GardenParcel.number == 2)) == "Les Fraisiers"
    )
    assert session.scalar(select(GardenParcel.is_active).where(GardenParcel.number == 6)) is False
    assert len(session.scalars(select(GardenParcel)).all()) == 7
    client.post("/logout", data={"csrf_token": token})

    login("julien")
    assert client.get("/stock/jardin/parcelles").status_code == 403
    form = client.get("/stock/jardin").get_data(as_text=True)
    assert ">Les Fraisiers<" in form and ">Serre<" in form and ">Parcelle 6<" not in form
    token = _token(client, "/stock/jardin")
    answer = client.post(
        "/stock/jardin",
        data={
            "csrf_token": token,
            "parcel_number": "6",
            "product_id": courgettes.id,
            "weight": "1",
            "harvested_on": "2026-11-20",
        },
        follow_redirects=True,
    )
    assert "Livraison enregistrée" not in page_text(answer)
    assert session.scalar(select(Harvest.id)) is None
    answer = client.post(
        "/stock/jardin",
        data={
            "csrf_token": token,
            "parcel_number": "7",
            "product_id": courgettes.id,
            "weight": "1,2",
            "harvested_on": "2026-11-20",
        },
        follow_redirects=True,
    )
    assert "Livraison enregistrée : Courgettes, parcelle 7." in page_text(answer)


def test_the_last_grown_parcel_cannot_be_retired(session, staff, now, parcels):
    from inventory.errors import InvalidData
    from inventory.services.parcels import edit_parcel

    for parcel in parcels[1:]:
        edit_parcel(session, staff.id, now, parcel, parcel.name, 500, grown=False)
    with pytest.raises(InvalidData, match="au moins une parcelle"):
        edit_parcel(session, staff.id, now, parcels[0], "Parcelle 1", 500, grown=False)


def test_expiry_page_destroys_checked_lots(as_staff, session, make_product, receive, now):
    ham = make_product("Jambon")
    lot = receive(ham, 3, use_by=now.date() - timedelta(days=2), at=now - timedelta(days=5))
    page = as_staff.get("/stock/dates")
    assert "Jambon" in page_text(page)
    response = as_staff.post(
        "/stock/dates",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "action": "expired_destroyed",
            "lot_ids": [str(lot.id)],
        },
        follow_redirects=True,
    )
    assert "1 lot(s) sorti(s) du stock." in page_text(response)
    assert lot.remaining_quantity == 0


def test_stocktake_by_scanning_then_validate(as_staff, session, make_product, receive):
    pasta = make_product("Pâtes", barcodes=["3017620422003"])
    receive(pasta, 5)
    token = _token(as_staff, "/stock/inventaires")
    response = as_staff.post(
        "/stock/inventaires", data={"csrf_token": token, "label": "Rayon pâtes"}
    )
    url = response.headers["Location"]
    # A GET changes nothing (a link, a prefetch, a crawler): counting is a POST with CSRF.
    as_staff.get(url + "?code=3017620422003")
    assert as_staff.post(url, data={"code": "3017620422003"}).status_code == 400
    assert "Pâtes 5 1 -4" not in page_text(as_staff.get(url))
    for _ in range(3):
        as_staff.post(url, data={"code": "3017620422003", "csrf_token": token})
    page = as_staff.get(url)
    assert "Pâtes 5 3 -2" in page_text(page)
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 5
    as_staff.post(
        url + "/valider", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 3


def test_csv_import_page_lists_errors_and_imports_nothing(as_staff, session):
    token = _token(as_staff, "/stock/products/import")
    bad = (
        "codes_barres;nom;categorie;unite;prix_reference;tva\n"
        "3017620422004;Mauvais;Inconnue;piece;1,00;5,5\n"
    )
    response = as_staff.post(
        "/stock/products/import",
        data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "produits.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Rien n'a été importé." in text
    assert "Ligne 2 : Code-barres « 3017620422004 » : chiffre de contrôle faux." in text


def test_cashier_cannot_open_stock_pages(client, make_user):
    user = make_user(Role.CAISSIER)
    token = _token(client, "/login/badge")
    client.post("/login/badge", data={"badge": user.badge_code, "pin": "1234", "csrf_token": token})
    for path in ("/stock/", "/stock/receptions", "/stock/dates", "/stock/jardin"):
        assert client.get(path).status_code == 403


def test_a_long_import_lets_the_tills_write_while_it_checks_the_file(committed, monkeypatch):
    """SQLite: while the file is parsed and checked, another writer (a till's sale) is not
    kept waiting; the import takes the write lock only to write, and imports."""
    from sqlalchemy.orm import Session

    import inventory.services.product_csv as product_csv
    from app.clock import utcnow
    from app.extensions import db
    from app.users.accounts import NewUser, create_user
    from inventory.services.products import get_or_create_category
    from tests.conftest import another_till_writes, browser_of
    from tests.inventory.test_products import GOOD_CSV

    with committed.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL locks rows, not the database")
        with Session(db.engine) as session:
            create_user(
                session,
                None,
                utcnow(),
                NewUser("Karim", Role.ENCADRANT, username="karim", password="motdepasse-sur"),
            )
            for name in ("Épicerie sucrée", "Fruits et légumes"):
                get_or_create_category(session, name)
            session.commit()
    wrote_meanwhile = []
    checking = product_csv.check_products_csv

    def check_while_a_till_sells(session, text_):
        wrote_meanwhile.append(another_till_writes(committed))
        return checking(session, text_)

    monkeypatch.setattr(product_csv, "check_products_csv", check_while_a_till_sells)
    client, _ = browser_of(committed, "karim")
    token = csrf_token_from(client.get("/stock/products/import").get_data(as_text=True))
    response = client.post(
        "/stock/products/import",
        data={"csrf_token": token, "file": (io.BytesIO(GOOD_CSV.encode()), "produits.csv")},
        content_type="multipart/form-data",
    )
    assert wrote_meanwhile == [True]
    assert response.status_code == 302


def test_categories_are_created_renamed_and_merged_from_a_screen(as_staff, session, make_product):
    from inventory.models import Category, Product

    pasta = make_product("Pâtes", category="Pâtes et riz")
    token = _token(as_staff, "/stock/categories")
    as_staff.post(
        "/stock/categories",
        data={"csrf_token": token, "action": "create", "name": "Épicerie salée"},
    )
    salted = session.scalar(select(Category).where(Category.name == "Épicerie salée"))
    assert salted is not None
    answer = as_staff.post(
        "/stock/categories",
        data={"csrf_token": token, "action": "create", "name": "épicerie SALÉE"},
        follow_redirects=True,
    )
    assert "La catégorie « Épicerie salée » existe déjà." in page_text(answer)
    source = session.get(Product, pasta.id).category
    as_staff.post(
        "/stock/categories",
        data={
            "csrf_token": token,
            "action": "rename",
            "category_id": source.id,
            "name": "Féculents",
        },
    )
    assert source.name == "Féculents"
    answer = as_staff.post(
        "/stock/categories",
        data={"csrf_token": token, "action": "merge", "category_id": source.id, "into": salted.id},
        follow_redirects=True,
    )
    assert "1 produit(s) rangé(s) dans « Épicerie salée »" in page_text(answer)
    assert session.get(Product, pasta.id).category_id == salted.id
    assert session.scalar(select(Category).where(Category.name == "Féculents")) is None


def test_a_category_gets_its_food_bank_family(as_staff, session, make_product):
    from inventory.models import Category, FoodFamily

    make_product("Lait", category="Crèmerie")
    dairy = session.scalar(select(Category).where(Category.name == "Crèmerie"))
    token = _token(as_staff, "/stock/categories")

    def family(value):
        return as_staff.post(
            "/stock/categories",
            data={
                "csrf_token": token,
                "action": "family",
                "category_id": dairy.id,
                "food_family": value,
            },
            follow_redirects=True,
        )

    assert "« Crèmerie » : famille enregistrée." in page_text(family("laitiers"))
    assert dairy.food_family == FoodFamily.DAIRY
    assert "Choisissez la famille dans la liste." in page_text(family("caviar"))
    assert dairy.food_family == FoodFamily.DAIRY
    family("")
    assert dairy.food_family is None
