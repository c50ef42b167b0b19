"""The label pages: choose, preview, print; the reprint queue; the jardin; the cards."""

import pytest

from app.users.roles import Role
from inventory.services.products import ProductData, update_product
from labels.layouts import LAYOUTS
from tests.conftest import csrf_token_from, page_text
from tests.labels.conftest import decode_cell, page_images


@pytest.fixture
def shelver(make_user, login):
    make_user(Role.ENCADRANT, username="lea")
    login("lea")


def _token(client, url="/etiquettes/"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def test_choose_preview_and_print_a_sheet(client, shelver, make_product):
    rice = make_product("Riz long grain 1 kg", 189, net_content=1000, barcodes=["3560070048830"])
    page = client.get("/etiquettes/?q=riz")
    assert "Riz long grain 1 kg" in page_text(page) and "1,89 € / kg" in page_text(page)
    form = {
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "kind": "shelf",
        f"count-{rice.id}": "2",
        "layout": "4x10",
        "start": "5",
    }
    preview = client.post("/etiquettes/imprimer", data={**form, "output": "preview"})
    assert preview.status_code == 200
    assert "Aperçu : 2 étiquette(s), 1 planche(s)" in page_text(preview)
    assert 'src="data:image/png;base64,' in preview.get_data(as_text=True)
    pdf = client.post("/etiquettes/imprimer", data={**form, "output": "pdf"})
    assert pdf.mimetype == "application/pdf"
    image = page_images(pdf.get_data())[0]
    assert decode_cell(image, LAYOUTS["4x10"], 5) == ["3560070048830"]
    assert decode_cell(image, LAYOUTS["4x10"], 6) == ["3560070048830"]
    assert decode_cell(image, LAYOUTS["4x10"], 7) == []


def test_bad_choices_are_explained(client, shelver, make_product):
    rice = make_product("Riz", 189)
    answer = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": _token(client),
            "kind": "shelf",
            f"count-{rice.id}": "deux",
            "layout": "3x8",
            "start": "1",
            "output": "pdf",
        },
        follow_redirects=True,
    )
    assert "Nombre d'étiquettes : « deux » n'est pas un nombre entier" in page_text(answer)
    answer = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": _token(client),
            "kind": "shelf",
            f"count-{rice.id}": "1",
            "layout": "3x8",
            "start": "30",
            "output": "pdf",
        },
        follow_redirects=True,
    )
    assert "Position de départ entre 1 et 24." in page_text(answer)


def test_a_price_change_queues_the_shelf_label_until_printed(
    client, shelver, session, now, make_product
):
    rice = make_product("Riz", 189, net_content=1000)
    assert "Rien à réimprimer" in page_text(client.get("/etiquettes/a-reimprimer"))
    update_product(
        session,
        None,
        now,
        rice,
        ProductData(rice.name, rice.category_id, rice.unit, 199, rice.vat_rate_bp, 1000),
    )
    queue = page_text(client.get("/etiquettes/a-reimprimer"))
    assert "Riz — 1,99 €" in queue
    assert "1 étiquette(s) de rayon à réimprimer" in page_text(client.get("/etiquettes/"))
    client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": _token(client),
            "kind": "shelf",
            f"count-{rice.id}": "1",
            "layout": "3x8",
            "start": "1",
            "output": "pdf",
        },
    )
    assert "Rien à réimprimer" in page_text(client.get("/etiquettes/a-reimprimer"))


def test_thermal_printer_receives_the_labels(client, shelver, session, now, tmp_path, make_product):
    from app.settings.services import set_setting
    from tests.hardware.escpos_decoder import decode

    device = tmp_path / "lp0"
    for key, value in (
        ("labels.printer_kind", "file"),
        ("labels.printer_target", str(device)),
        ("labels.printer_model", "epson-tm-t20ii"),
    ):
        set_setting(session, key, value, now)
    milk = make_product("Lait 1 l", 105, barcodes=["3428272950040"])
    answer = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": _token(client),
            "kind": "sticker",
            f"count-{milk.id}": "3",
            "layout": "3x8",
            "start": "1",
            "output": "thermal",
        },
        follow_redirects=True,
    )
    assert "3 étiquette(s) envoyée(s) à l'imprimante thermique." in page_text(answer)
    assert decode(device.read_bytes()).barcodes == ["3428272950040"] * 3


def test_jardin_weighs_a_bag_and_the_till_reads_its_label(
    client, login, make_user, session, scale_products
):
    from inventory.nomenclature import parse_scan

    make_user(Role.JARDIN, username="jules")
    login("jules")
    tomatoes, _ = scale_products
    page = client.get("/etiquettes/pesee")
    assert "Tomates du jardin — 3,20 € / kg" in page_text(page)
    pdf = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "kind": "weighed",
            "product_id": str(tomatoes.id),
            "grams": "1250",
            "packed_on": "2026-11-24",
            "keep_days": "4",
            "copies": "1",
            "layout": "3x8",
            "start": "1",
            "output": "pdf",
        },
    )
    codes = decode_cell(page_images(pdf.get_data())[0], LAYOUTS["3x8"], 1)
    scan = parse_scan(session, codes[0])
    assert (scan.product.id, scan.quantity) == (tomatoes.id, 1250)


def test_a_social_worker_prints_a_card_but_not_shelf_labels(
    client, login, make_user, session, now, make_product
):
    from participants.households.records import HouseholdData, MemberData, create_household
    from participants.models import Kinship, ReferringBody, Sex

    referent = make_user(Role.REFERENT, username="sophie")
    household = create_household(
        session,
        referent.id,
        now,
        HouseholdData(
            "Foyer Benali",
            ReferringBody.CCAS,
            "M. Colin",
            100_000,
            70_000,
            members=(MemberData("Amina", 1985, Sex.FEMALE, Kinship.REFERENCE),),
        ),
    )
    login("sophie")
    page = client.get(f"/foyers/{household.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    assert "Carte sur planche d'étiquettes (PDF)" in page_text(page)
    pdf = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": token,
            "kind": "card",
            "households": str(household.id),
            "layout": "2x7",
            "start": "1",
            "output": "pdf",
        },
    )
    assert decode_cell(page_images(pdf.get_data())[0], LAYOUTS["2x7"], 1) == [household.card_code]
    rice = make_product("Riz", 189)
    refused = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": token,
            "kind": "shelf",
            f"count-{rice.id}": "1",
            "layout": "3x8",
            "start": "1",
            "output": "pdf",
        },
    )
    assert refused.status_code == 403
    assert client.get("/etiquettes/").status_code == 403


def test_rendering_a_sheet_lets_the_tills_write(committed, monkeypatch):
    """SQLite: while a sheet of labels is drawn, a till's sale is not kept waiting; the print
    is recorded afterwards (for the reprint queue)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    import labels.views
    from app.clock import utcnow
    from app.extensions import db
    from app.users.accounts import NewUser, create_user
    from inventory.models import StockUnit
    from inventory.services.products import create_product, get_or_create_category
    from labels.models import ShelfLabelPrint
    from tests.conftest import another_till_writes, browser_of

    with committed.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL locks rows, not the database")
        with Session(db.engine) as session:
            create_user(
                session,
                None,
                utcnow(),
                NewUser("Marc", Role.ENCADRANT, username="marc", password="motdepasse-sur"),
            )
            rice = create_product(
                session,
                None,
                utcnow(),
                ProductData(
                    "Riz", get_or_create_category(session, "Épicerie").id, StockUnit.PIECE, 189
                ),
                ["3560070048830"],
            )
            session.commit()
            rice_id = rice.id
    wrote_meanwhile = []
    drawing = labels.views.render_sheets

    def draw_while_a_till_sells(*args, **kwargs):
        wrote_meanwhile.append(another_till_writes(committed))
        return drawing(*args, **kwargs)

    monkeypatch.setattr(labels.views, "render_sheets", draw_while_a_till_sells)
    client, _ = browser_of(committed, "marc")
    pdf = client.post(
        "/etiquettes/imprimer",
        data={
            "csrf_token": _token(client),
            "kind": "shelf",
            f"count-{rice_id}": "1",
            "layout": "3x8",
            "start": "1",
            "output": "pdf",
        },
    )
    assert pdf.mimetype == "application/pdf" and wrote_meanwhile == [True]
    with committed.app_context(), Session(db.engine) as session:
        assert session.scalar(select(func.count(ShelfLabelPrint.id))) == 1
