"""Each site has its own shelves and its own label printer: a label printed at one site does not
take the product out of another's reprint queue, and a site's labels never come out of another
site's printer."""

from pathlib import Path

from app.sites.models import FIRST_SITE_ID
from app.sites.services import give_sites
from app.users.roles import Role
from inventory.services.products import ProductData, update_product
from labels.services import label_printer
from tests.conftest import csrf_token_from, page_text


def _at(client, site_id):
    with client.session_transaction() as cookie:
        cookie["site_id"] = site_id


def _token(client):
    return csrf_token_from(client.get("/etiquettes/").get_data(as_text=True))


def test_each_site_reprints_its_own_shelf_labels(
    client, login, make_user, session, now, north, make_product
):
    lea = make_user(Role.ENCADRANT, username="lea")
    give_sites(session, lea.id, [FIRST_SITE_ID, north.id])
    rice = make_product("Riz", 189, net_content=1000)
    update_product(
        session,
        None,
        now,
        rice,
        ProductData(rice.name, rice.category_id, rice.unit, 199, rice.vat_rate_bp, 1000),
    )
    session.commit()
    login("lea")
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
    _at(client, north.id)  # the antenna's shelf still shows 1,89 €
    assert "Riz — 1,99 €" in page_text(client.get("/etiquettes/a-reimprimer"))


def test_each_site_sets_its_own_label_printer(app, client, login, make_user, session, north):
    boss = make_user(Role.ADMIN, username="claire")
    give_sites(session, boss.id, [FIRST_SITE_ID, north.id])
    session.commit()
    login("claire")
    _at(client, north.id)
    page = client.get("/etiquettes/imprimante")
    device = Path(app.config["PRINTER_FILE_FOLDER"]) / "etiquettes-nord.bin"
    answer = client.post(
        "/etiquettes/imprimante",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "kind": "file",
            "target": str(device),
            "model": "epson-tm-t20ii",
        },
        follow_redirects=True,
    )
    assert "Imprimante d'étiquettes enregistrée." in page_text(answer)
    assert label_printer(session, north.id)[:2] == ("file", str(device))
    assert label_printer(session, FIRST_SITE_ID)[0] == "none"  # the first site: unchanged
    assert "etiquettes-nord" in client.get("/etiquettes/imprimante").get_data(as_text=True)
    _at(client, FIRST_SITE_ID)
    assert "etiquettes-nord" not in client.get("/etiquettes/imprimante").get_data(as_text=True)
