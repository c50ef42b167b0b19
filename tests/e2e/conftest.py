"""A live server on a committed database, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.extensions import db
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from inventory.models import StockUnit
from inventory.services.products import ProductData, create_product, get_or_create_category
from tests.conftest import FIXED_NOW, reset_database, seed_household

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

E2E_USERS = (
    NewUser("Claire Directrice", Role.ADMIN, username="claire", password="admin-e2e-secret"),
    NewUser("Karim Encadrant", Role.ENCADRANT, username="karim", password="encadrant-e2e"),
    NewUser("Sophie Référente", Role.REFERENT, username="sophie", password="referente-e2e"),
    NewUser("Paul Encadrant", Role.ENCADRANT, badge_code="0410000000021", pin="2468"),
    NewUser("Nadia Caissière", Role.CAISSIER, badge_code="0410000000014", pin="1234"),
    NewUser("Jules Jardin", Role.JARDIN, username="jules", password="jardin-e2e"),
)


def _chromium_path() -> str:
    path = os.environ.get("CAISSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip(
            "Chromium absent : installez le paquet Debian « chromium » (scripts/test.sh le fait)."
        )
    return path


def closing_responses(wsgi_app):
    """The application, each response's body closed as soon as it has been sent. Werkzeug's
    test server closes it only after draining the socket, and a browser that resets the
    connection (a page left while a script loads) makes that drain raise first: the open file
    of a static response would then be left to the garbage collector (a ResourceWarning in
    some later test)."""

    def app_closing_its_responses(environ, start_response):
        body = wsgi_app(environ, start_response)

        def sent_then_closed():
            try:
                yield from body
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

        return sent_then_closed()

    return app_closing_its_responses


@pytest.fixture(scope="module")
def live_server(app):
    reset_database(app)
    with app.app_context():
        for data in E2E_USERS:
            create_user(db.session, None, FIXED_NOW, data)
        category = get_or_create_category(db.session, "Épicerie salée")
        create_product(
            db.session,
            None,
            FIXED_NOW,
            ProductData(
                "Pâtes coquillettes 500 g", category.id, StockUnit.PIECE, 109, net_content=500
            ),
            ["3017620422003"],
        )
        _seed_shop(db.session)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    reset_database(app)


# The shop the till tests sell from: stocked products, a weighed vegetable, a household with a
# right (allowance 20 €, rate 20 %), and till C1.
TILL_PRODUCTS = (
    ("Riz long grain 1 kg", 189, "3560070048830"),
    ("Lait demi-écrémé 1 l", 105, "3428272950040"),
    ("Huile de tournesol 1 l", 249, "3263670011012"),
    ("Café moulu 250 g", 329, "3017620425035"),
    ("Sucre en poudre 1 kg", 129, "3123930772001"),
)
E2E_CARD = "0420000000013"


def _seed_shop(session) -> None:
    from datetime import date, timedelta

    from app.clock import utcnow
    from inventory.models import LotOrigin
    from inventory.services.receptions import (
        LotData,
        ReceptionData,
        receive_line,
        start_reception,
    )
    from pos.models import Till

    now = utcnow()
    category = get_or_create_category(session, "Épicerie")
    products = [
        create_product(
            session, None, FIXED_NOW, ProductData(name, category.id, StockUnit.PIECE, price), [code]
        )
        for name, price, code in TILL_PRODUCTS
    ]
    from inventory.services.products import search_products

    products += search_products(session, "coquillettes")
    tomatoes = create_product(
        session,
        None,
        FIXED_NOW,
        ProductData("Tomates du jardin", category.id, StockUnit.KILOGRAM, 320),
        ["2100005000000"],
    )
    from app.users.models import User

    staff_id = session.scalar(select(User.id).where(User.username == "karim"))
    reception = start_reception(session, staff_id, now, ReceptionData(LotOrigin.PURCHASE))
    for product in products:
        receive_line(
            session,
            staff_id,
            now,
            reception,
            product,
            LotData(40, best_before=date.today() + timedelta(days=200)),
        )
    receive_line(session, staff_id, now, reception, tomatoes, LotData(20_000))
    seed_household(session, E2E_CARD, now)
    session.add(Till(code="C1", name="Caisse 1", is_active=True))
    from participants.models import Atelier

    session.add(Atelier(code="jardinage", name="Jardinage et bricolage", capacity=6))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def page_of(browser, live_server, request, width: int = 1366, height: int = 768):
    """A French page on the live server at this screen size; its screenshot kept at the end."""
    # No service worker here: its background fetches, cut when the context closes, would leave
    # the live server's file responses to be closed by the garbage collector (a warning in some
    # later test). The offline tests open their own browser profiles, service worker included.
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        base_url=live_server,
        service_workers="block",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def page(browser, live_server, request):
    yield from page_of(browser, live_server, request)


AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


def serious_violations(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})""")
    assert any(rule["id"] == "color-contrast" for rule in result["passes"]), "axe did not run"
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
