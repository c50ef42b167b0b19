"""From an empty database to the first real sale, with no demo data: `caisse init` (a real
subprocess, on SQLite and, in CI's second pass, PostgreSQL), then the screens and the till."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from tests.conftest import csrf_token_from

CAISSE = Path(sys.executable).parent / "caisse"
INIT = [
    "init",
    "--admin-name",
    "Claire Martin",
    "--admin-username",
    "claire",
    "--admin-password",
    "un-vrai-secret",
    "--shop-name",
    "Épicerie solidaire de Saint-Jean",
    "--shop-address",
    "2 rue des Lilas, 33000 Bordeaux",
    "--siret",
    "21330063500017",
    "--no-vat",
]


def _caisse(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        CAISSE_INSTANCE_PATH=str(instance),
        CAISSE_SECRET_KEY="init-test",
    )
    return subprocess.run(
        [str(CAISSE), *args], env=env, capture_output=True, text=True, timeout=120, cwd=instance
    )


def _browser(app) -> FlaskClient:
    return FlaskClient(app, app.response_class)


def _post(client, page: str, data: dict, path: str | None = None):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(path or page, data={"csrf_token": token, **data})


def test_from_an_empty_database_to_the_first_real_sale(committed, database_url, tmp_path):
    app = committed
    assert _caisse(database_url, tmp_path, "db", "upgrade").returncode == 0
    done = _caisse(database_url, tmp_path, *INIT)
    assert done.returncode == 0, done.stderr
    assert "Administrateur·rice : Claire Martin (identifiant « claire »)" in done.stdout
    again = _caisse(database_url, tmp_path, *INIT)
    assert again.returncode != 0 and "déjà des comptes" in again.stderr
    demo = _caisse(database_url, tmp_path, "demo")
    assert "données de démonstration non rechargées" in demo.stdout

    admin = _browser(app)
    answer = _post(admin, "/login", {"username": "claire", "password": "un-vrai-secret"})
    assert answer.status_code == 302
    assert "DÉMO" not in admin.get("/accueil").get_data(as_text=True)
    answer = _post(
        admin,
        "/admin/users/new",
        {"display_name": "Nadia", "role": "caissier", "badge_code": "0410000000014", "pin": "1234"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[-600:]

    answer = _post(admin, "/stock/categories", {"action": "create", "name": "Légumes secs"})
    assert answer.status_code == 302
    with app.app_context(), Session(db.engine) as session:
        from inventory.models import Category

        category_id = session.scalar(select(Category.id).where(Category.name == "Légumes secs"))
    answer = _post(
        admin,
        "/stock/products/new",
        {
            "name": "Lentilles vertes 500 g",
            "category_id": category_id,
            "unit": "piece",
            "price": "1,40",
            "vat": "5,5",
            "is_active": "y",
            "barcode": "3560070048830",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[-600:]
    answer = _post(admin, "/stock/receptions", {"origin": "purchase"})
    reception = answer.headers["Location"]
    with app.app_context(), Session(db.engine) as session:
        from inventory.models import Product

        product_id = session.scalar(select(Product.id))
    answer = _post(
        admin, reception, {"product_id": product_id, "quantity": "24", "date_kind": "none"}
    )
    assert answer.status_code == 302

    till = _browser(app)
    _post(till, "/login/badge", {"badge": "0410000000014", "pin": "1234"})
    headers = {"X-CSRFToken": csrf_token_from(till.get("/pos/till?till=C1").get_data(as_text=True))}
    assert (
        till.post(
            "/api/pos/session/open",
            json={"till": "C1", "float_detail": {"2000": 1}},
            headers=headers,
        ).status_code
        == 200
    )
    sale = till.post(
        "/api/pos/sales",
        headers=headers,
        json={
            "uuid": str(uuid.uuid4()),
            "till": "C1",
            "lines": [{"code": "3560070048830", "quantity": 2}],
            "payments": [{"method": "cash", "amount_cents": 280}],
            "expected_total_cents": 280,
        },
    )
    assert sale.status_code == 201, sale.get_json()
    assert sale.get_json()["ticket"] == "C1-000001"

    with app.app_context(), Session(db.engine) as session:
        from app.settings.services import get_setting
        from inventory.models import GardenParcel
        from participants.models import Atelier, Household
        from pos.journal.verify import verify_journal
        from pos.models import Sale

        assert session.scalar(select(func.count(Sale.id))) == 1  # no demo sales
        assert session.scalar(select(func.count(Household.id))) == 0
        assert session.scalar(select(func.count(Atelier.id))) == 9
        assert session.scalar(select(func.count(GardenParcel.id))) == 6
        assert get_setting(session, "shop.siret") == "21330063500017"
        assert get_setting(session, "shop.vat_exempt") is True
        assert get_setting(session, "site.demo") is False
        assert verify_journal(session).ok


def test_init_refuses_bad_answers_and_writes_nothing(committed, database_url, tmp_path):
    done = _caisse(
        database_url,
        tmp_path,
        *["--siret" if a == "--siret" else ("12" if a == "21330063500017" else a) for a in INIT],
    )
    assert done.returncode != 0 and "SIRET : 14 chiffres." in done.stderr
    short = _caisse(
        database_url, tmp_path, *["court" if a == "un-vrai-secret" else a for a in INIT]
    )
    assert short.returncode != 0 and "8 caractères" in short.stderr
    with committed.app_context(), Session(db.engine) as session:
        from app.users.models import User

        assert session.scalar(select(func.count(User.id))) == 0


def test_a_demo_database_says_so_on_every_page(app, client, session, now):
    from app.demo import load_demo_data
    from app.users.roles import Role
    from tests.app.site_walk import log_in

    load_demo_data(session, now)
    session.commit()
    assert "DÉMO — données fictives" in client.get("/login").get_data(as_text=True)
    log_in(client, Role.ADMIN)
    assert "DÉMO — données fictives" in client.get("/accueil").get_data(as_text=True)
    from pos.models import JournalEntry

    first = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence)).first()
    assert first.kind == "demo"
