"""A live server on a committed database, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.users.roles import Role
from app.users.services import NewUser, create_user
from inventory.models import StockUnit
from inventory.services.products import ProductData, create_product, get_or_create_category
from tests.conftest import FIXED_NOW, reset_database

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

E2E_USERS = (
    NewUser("Claire Directrice", Role.ADMIN, username="claire", password="admin-e2e-secret"),
    NewUser("Karim Encadrant", Role.ENCADRANT, username="karim", password="encadrant-e2e"),
    NewUser("Sophie Référente", Role.REFERENT, username="sophie", password="referente-e2e"),
    NewUser("Nadia Caissière", Role.CAISSIER, badge_code="0410000000014", pin="1234"),
)


def _chromium_path() -> str:
    path = os.environ.get("CAISSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("Chromium absent : installez le paquet Debian « chromium » (scripts/test.sh "
                    "le fait).")
    return path


@pytest.fixture(scope="module")
def live_server(app):
    reset_database(app)
    with app.app_context():
        for data in E2E_USERS:
            create_user(db.session, None, FIXED_NOW, data)
        category = get_or_create_category(db.session, "Épicerie salée")
        create_product(db.session, None, FIXED_NOW, ProductData(
            "Pâtes coquillettes 500 g", category.id, StockUnit.PIECE, 109, net_content=500),
            ["3017620422003"])
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    reset_database(app)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR",
                                  base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()
