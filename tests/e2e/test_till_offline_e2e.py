"""The till without its server, in Chromium: the server process stopped (not requests
aborted), the till sells on across page reloads and a browser restart, and when the server is
back every sale is recorded once, in order, with the stock and the journal exact and the rules
it could not check flagged. Two tills offline at once sell the same lot."""

from __future__ import annotations

import re
import socket
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.sites.models import FIRST_SITE_ID
from inventory.models import Product
from inventory.services.ledger import stock_on_hand
from pos.journal.verify import verify_journal
from pos.models import FlagKind, Sale, SaleFlag, Till
from tests.e2e.conftest import CHROMIUM_FLAGS, E2E_CARD, _chromium_path
from tests.e2e.test_till_e2e import _scan

pytestmark = pytest.mark.e2e
RICE, COFFEE, OIL = "3560070048830", "3017620425035", "3263670011012"


class Server:
    """The application on a fixed port, stopped and started again like the shop's server
    (its process stopped: nothing answers on the port, connections are cut)."""

    def __init__(self, app) -> None:
        self.app = app
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> None:  # waitress, as ``caisse serve`` runs it
        from waitress import create_server

        self.server = create_server(self.app, host="127.0.0.1", port=self.port, threads=4)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """The listening socket and every open connection closed: the server is gone."""
        for channel in list(self.server._map.values()):
            channel.close()
        self.server.task_dispatcher.shutdown()
        self.thread.join(timeout=5)
        self.server = None


@pytest.fixture
def server(app, live_server):  # live_server: the seeded shop's database
    running = Server(app)
    running.start()
    yield running
    if running.server is not None:
        running.stop()


def _till(browser, server, profile, till="C1"):
    """A till in its own browser profile (kept on disk: a restart keeps what it stored)."""
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=_chromium_path(),
        args=CHROMIUM_FLAGS,
        base_url=server.url,
        locale="fr-FR",
        viewport={"width": 1366, "height": 768},
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    return context, page


def _open_till(page, till="C1") -> None:
    page.goto(f"/pos/till?till={till}")
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    if page.get_by_role("button", name="Ouvrir la caisse").is_visible():
        page.get_by_role("button", name="Ouvrir la caisse").click()
        expect(page.get_by_text("Caisse ouverte. Bonnes ventes !")).to_be_visible()


def _ready_for_offline(page, till="C1") -> None:
    """Logged in, the till open, its service worker in control and its offline data kept."""
    page.goto("/login/badge")
    expect(page.locator("#badge-form")).to_have_attribute("data-ready", "true")
    _scan(page, "0410000000014")
    for digit in "1234":
        page.get_by_role("button", name=digit, exact=True).click()
    page.get_by_role("button", name="Valider").click()
    _open_till(page, till)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker, which keeps what it serves
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#till-app")).to_have_attribute("data-offline-data", "ready")
    assert page.evaluate("!!navigator.serviceWorker.controller")


def _sell(page, *codes, card=None, quantity=None, unsure=False) -> str | None:
    page.locator("#till-app h1").click()
    if card:
        _scan(page, card)
        expect(page.locator("#household-name")).not_to_be_empty()
    for code in codes:
        _scan(page, code)
    if quantity:
        for digit in str(quantity):
            page.locator(f'[data-pad="{digit}"]').click()
        page.get_by_role("button", name="Quantité").click()
    page.get_by_role("button", name="Payer").click()
    page.get_by_role("button", name="Espèces").click()
    page.get_by_role("button", name="Valider la vente").click()
    page.get_by_role("button", name="Non").click()
    message = page.locator("#till-message")
    if unsure:  # sent as usual, no answer: the till finds its server gone, keeps the sale
        expect(message).to_contain_text("Serveur injoignable : la vente est gardée sur la caisse")
        return None
    expect(message).to_contain_text("Vente enregistrée sur la caisse (hors ligne) — ticket")
    return re.search(r"[A-Z0-9]+H-\d{6}", message.inner_text()).group(0)


def _setting(app, key, value) -> None:
    from app.clock import utcnow
    from app.settings.services import set_setting

    with app.app_context(), Session(db.engine) as session:
        set_setting(session, key, value, utcnow())
        session.commit()


def _db(app):
    context = app.app_context()
    context.push()
    return context, Session(db.engine)


def test_thirty_sales_without_the_server_recorded_once_when_it_is_back(
    browser, server, app, tmp_path
):
    context, page = _till(browser, server, tmp_path / "c1")
    _ready_for_offline(page)
    ctx, session = _db(app)
    rice = session.scalar(select(Product).where(Product.name.like("Riz%")))
    rice_before = stock_on_hand(session, rice.id, FIRST_SITE_ID)
    sales_before = session.scalar(select(func.count(Sale.id)))
    session.close()

    server.stop()
    # The first sale goes to the server as usual; no answer, no server: kept, the till goes on.
    assert _sell(page, RICE, unsure=True) is None
    expect(page.get_by_test_id("offline")).to_contain_text("Hors ligne — 1 vente en attente")
    tickets = []
    # The household's month is 20 €: 40 coffees at 20 % is 26,32 € — the till cannot ask the
    # server; it sells, the server will flag it.
    tickets.append(_sell(page, COFFEE, card=E2E_CARD, quantity=40))
    tickets += [_sell(page, RICE) for _ in range(8)]
    assert len(tickets) == 9
    page.reload()  # no server: the page, its scripts and data come from the till itself
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("offline")).to_contain_text("Hors ligne — 10 ventes en attente")
    tickets += [_sell(page, RICE) for _ in range(10)]
    page.reload()
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    context.close()  # the browser is closed…
    context, page = _till(browser, server, tmp_path / "c1")  # …and started again
    page.goto("/pos/till?till=C1")
    expect(page.locator("#till-app")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("offline")).to_contain_text("Hors ligne — 20 ventes en attente")
    tickets += [_sell(page, RICE) for _ in range(10)]
    assert tickets == [f"C1H-{n:06d}" for n in range(1, 30)]  # what each customer was told

    server.start()
    expect(page.locator("#till-message")).to_contain_text(
        "toutes les ventes faites hors ligne sont enregistrées", timeout=30_000
    )
    expect(page.get_by_test_id("offline")).to_be_hidden()
    context.close()

    ctx, session = _db(app)
    made = session.scalars(select(Sale).where(Sale.made_at.is_not(None)).order_by(Sale.id)).all()
    assert len(made) == 30 and session.scalar(select(func.count(Sale.id))) == sales_before + 30
    assert [s.made_at for s in made] == sorted(s.made_at for s in made)  # in the order made
    series = session.scalar(select(Till).where(Till.code == "C1H"))
    assert made[0].till_id == series.offline_of_id  # the unsure one: a ticket of C1
    assert [s.number for s in made[1:]] == list(range(1, 30))
    assert {s.till_id for s in made[1:]} == {series.id}
    assert stock_on_hand(session, rice.id, FIRST_SITE_ID) == rice_before - 29
    flags = session.scalars(select(SaleFlag)).all()
    assert [(f.sale_id, f.kind) for f in flags] == [(made[1].id, FlagKind.ALLOWANCE)]
    assert verify_journal(session).ok
    session.close()
    ctx.pop()


def test_two_tills_offline_at_once_sell_the_same_lot(browser, server, app, tmp_path):
    ctx, session = _db(app)
    if session.scalar(select(Till).where(Till.code == "C2")) is None:
        session.add(Till(code="C2", name="Caisse 2", is_active=True))
        session.commit()
    oil = session.scalar(select(Product).where(Product.name.like("Huile%")))
    before = stock_on_hand(session, oil.id, FIRST_SITE_ID)
    session.close()
    ctx.pop()
    _setting(app, "till.offline_browser_receipt", True)  # C2's receipts: the browser prints
    tills = []
    for code in ("C1", "C2"):
        context, page = _till(browser, server, tmp_path / code)
        page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
        _ready_for_offline(page, code)
        tills.append((context, page))

    server.stop()
    for _context, page in tills:  # each knows its server is gone before its customer pays
        page.reload()
        expect(page.get_by_test_id("offline")).to_contain_text("Hors ligne — 0 vente en attente")
    sold = [_sell(page, OIL, quantity=before - 10) for _context, page in tills]
    assert sold[0].startswith("C1H-") and sold[1] == "C2H-000001"
    page = tills[1][1]  # paid in cash: its receipt went to the till's own printer
    assert page.evaluate("window.printed") == 1
    expect(page.locator("#print-receipt")).to_contain_text("Ticket C2H-000001")
    expect(page.locator("#print-receipt")).to_contain_text("Vente faite hors ligne")
    _setting(app, "till.offline_browser_receipt", False)

    server.start()
    for context, page in tills:
        expect(page.locator("#till-message")).to_contain_text(
            "toutes les ventes faites hors ligne sont enregistrées", timeout=30_000
        )
        context.close()
    ctx, session = _db(app)
    assert stock_on_hand(session, oil.id, FIRST_SITE_ID) == before - 2 * (
        before - 10
    )  # both, exactly
    flags = session.scalars(select(SaleFlag).where(SaleFlag.kind == FlagKind.STOCK)).all()
    assert len(flags) == 1 and "stock négatif" in flags[0].message
    assert verify_journal(session).ok
    session.close()
    ctx.pop()
