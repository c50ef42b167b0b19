"""One journal chain per site: each site's tickets, sessions and closures are chained and
verified alone, and a fault in one site's chain leaves the other's intact."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.clock import SHOP_TIMEZONE
from app.sites.models import FIRST_SITE_ID
from app.sites.services import give_sites
from app.users.roles import Role
from inventory.models import MovementKind, StockMovement
from inventory.services.ledger import stock_on_hand
from pos.journal.chain import GENESIS_HASH
from pos.journal.closures import close_pending_periods
from pos.journal.verify import verify_journal
from pos.models import FlagKind, JournalEntry, PaymentMethod, Sale, SaleFlag, Till
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.sales import record_sale
from tests.conftest import csrf_token_from, page_text, sale_line
from tests.pos.conftest import TODAY, insider, sell


def _sell_north(session, cashier, now, product, quantity, day=TODAY):
    total = product.reference_price_cents * quantity
    return record_sale(
        session,
        cashier,
        now,
        day,
        SaleRequest(
            str(uuid.uuid4()),
            "NORD-C1",
            (sale_line(product.id, quantity),),
            (PaymentRequest(PaymentMethod.CASH, total),),
            total,
        ),
    )[0]


def _chain(session, site_id):
    return session.scalars(
        select(JournalEntry).where(JournalEntry.site_id == site_id).order_by(JournalEntry.sequence)
    ).all()


@pytest.fixture
def sold_at_both(session, open_till, north_till, cashier, now, pasta):
    """1 pasta sold at the first site's C1 (1,09 €), 2 at the antenna's NORD-C1 (2,18 €)."""
    sell(
        session,
        cashier,
        now,
        [sale_line(pasta.id, 1)],
        [PaymentRequest(PaymentMethod.CASH, 109)],
        109,
    )
    _sell_north(session, cashier, now, pasta, 2)


def test_each_site_chains_its_own_tickets_and_verifies_alone(
    session, north, sold_at_both, cashier, now, pasta
):
    _sell_north(session, cashier, now, pasta, 3)
    first, nord = _chain(session, FIRST_SITE_ID), _chain(session, north.id)
    assert [(e.sequence, e.kind, e.reference) for e in first] == [
        (1, "session_opened", "C1"),
        (2, "sale", "C1-000001"),
    ]
    assert [(e.sequence, e.kind, e.reference) for e in nord] == [
        (1, "session_opened", "NORD-C1"),
        (2, "sale", "NORD-C1-000001"),
        (3, "sale", "NORD-C1-000002"),
    ]
    assert first[0].previous_hash == nord[0].previous_hash == GENESIS_HASH
    assert verify_journal(session, FIRST_SITE_ID).ok
    assert verify_journal(session, north.id).message == (
        "Journal intègre : 3 écriture(s) vérifiée(s)."
    )
    both = verify_journal(session)
    assert both.ok and both.count == 5 and "sur 2 sites" in both.message

    with insider(session):  # one entry of the antenna's chain changed behind the app's back
        session.execute(
            update(JournalEntry)
            .where(JournalEntry.site_id == north.id, JournalEntry.sequence == 2)
            .values(payload=JournalEntry.payload + " ")
        )
    assert verify_journal(session, FIRST_SITE_ID).ok  # the other site's chain is untouched
    broken = verify_journal(session, north.id)
    assert not broken.ok and "n° 2 (sale, NORD-C1-000001) : contenu modifié" in broken.message
    everything = verify_journal(session)
    assert not everything.ok and everything.message.startswith("Antenne Nord : ")
    assert everything.site_id == north.id


def test_each_site_closes_its_own_days(session, north, sold_at_both):
    tomorrow = TODAY + timedelta(days=1)
    moment = datetime.combine(tomorrow, datetime.min.time(), tzinfo=SHOP_TIMEZONE) + timedelta(
        hours=9
    )
    assert close_pending_periods(session, tomorrow, moment, north.id) == 1
    closures = session.scalars(
        select(JournalEntry).where(JournalEntry.kind == "closure_daily")
    ).all()
    assert [(c.site_id, c.reference) for c in closures] == [(north.id, f"Z-{TODAY}")]
    assert json.loads(closures[0].payload)["total_cents"] == 218  # the antenna's sale only
    # The first site closes the same day in its own chain, with its own totals.
    assert close_pending_periods(session, tomorrow, moment, FIRST_SITE_ID) == 1
    first_closure = session.scalar(
        select(JournalEntry.payload).where(
            JournalEntry.site_id == FIRST_SITE_ID, JournalEntry.kind == "closure_daily"
        )
    )
    assert json.loads(first_closure)["total_cents"] == 109
    assert json.loads(first_closure)["grand_total_cents"] == 109
    assert verify_journal(session).ok
    assert date.fromisoformat(json.loads(first_closure)["period"]) == TODAY


def test_a_sale_takes_from_its_own_sites_lots(session, north, sold_at_both, pasta):
    """The antenna sold 2 pasta from its 30, the first site 1 from its 50: each site's stock
    is its own lots'; on PostgreSQL the database writes each sale's and movement's site."""
    assert stock_on_hand(session, pasta.id, north.id) == 28
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 49
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite serves one site: every record is the first site's
    sales = session.execute(select(Sale.number, Sale.site_id).join(Till)).all()
    by_till = {
        (code, site) for code, site in session.execute(select(Till.code, Sale.site_id).join(Sale))
    }
    assert by_till == {("C1", FIRST_SITE_ID), ("NORD-C1", north.id)} and len(sales) == 2
    moved = session.execute(
        select(StockMovement.site_id, func.sum(StockMovement.quantity))
        .where(StockMovement.kind == MovementKind.SALE)
        .group_by(StockMovement.site_id)
    ).all()
    assert sorted(moved) == sorted([(FIRST_SITE_ID, -1), (north.id, -2)])


def test_the_sales_report_is_a_sites_or_all_of_the_persons(
    client, login, session, north, sold_at_both, make_user
):
    """1,09 € sold at the first site, 2,18 € at the antenna: each site's report says its own
    (its payments and VAT too, joined to its sales), « tous vos sites » adds them up."""
    boss = make_user(Role.ADMIN, username="claire", display_name="Claire")
    give_sites(session, boss.id, [FIRST_SITE_ID, north.id])
    session.commit()
    login("claire")
    url = f"/rapports/ventes?periode=mois&date={TODAY.isoformat()}&format=csv"
    here = client.get(url).get_data(as_text=True)
    assert "Ventes;1;1,09" in here and "Espèces;1,09" in here and "2,18" not in here
    everywhere = client.get(url + "&sites=tous").get_data(as_text=True)
    assert "Ventes;2;3,27" in everywhere and "Espèces;3,27" in everywhere
    with client.session_transaction() as cookie:
        cookie["site_id"] = north.id
    there = client.get(url).get_data(as_text=True)
    assert "Ventes;1;2,18" in there and "Espèces;2,18" in there and "1,09" not in there
    page = client.get(url.replace("&format=csv", ""))
    assert "Site : Antenne Nord" in page_text(page)


def test_a_site_cannot_mark_another_sites_offline_flags_as_seen(
    client, login, session, north, sold_at_both, make_user
):
    antenna_sale = session.scalar(select(Sale).join(Till).where(Till.code == "NORD-C1"))
    flag = SaleFlag(
        sale_id=antenna_sale.id, kind=FlagKind.STOCK, message="Écart de l’antenne n° 42"
    )
    session.add(flag)
    boss = make_user(Role.ENCADRANT, username="karim3", display_name="Karim")
    session.commit()
    login("karim3")  # works at the first site only
    page = client.get("/pos/admin/hors-ligne")
    assert "antenne n° 42" not in page_text(page)
    token = csrf_token_from(page.get_data(as_text=True))
    client.post("/pos/admin/hors-ligne", data={"csrf_token": token, "flag_id": str(flag.id)})
    session.refresh(flag)
    assert flag.reviewed_at is None  # another site's flag: untouched
    give_sites(session, boss.id, [FIRST_SITE_ID, north.id])
    session.commit()
    with client.session_transaction() as cookie:
        cookie["site_id"] = north.id
    assert "antenne n° 42" in page_text(client.get("/pos/admin/hors-ligne"))
    client.post("/pos/admin/hors-ligne", data={"csrf_token": token, "flag_id": str(flag.id)})
    session.refresh(flag)
    assert flag.reviewed_at is not None


def test_the_command_verifies_one_sites_chain(app, session, north, sold_at_both):
    runner = app.test_cli_runner()
    antenna = runner.invoke(args=["journal", "verify", "--site", "nord"])
    assert antenna.exit_code == 0 and "2 écriture(s) vérifiée(s)" in antenna.output
    every = runner.invoke(args=["journal", "verify"])
    assert every.exit_code == 0 and "4 écriture(s) vérifiée(s) sur 2 sites" in every.output
    unknown = runner.invoke(args=["journal", "verify", "--site", "SUD"])
    assert unknown.exit_code != 0 and "Aucun site de code « SUD »" in unknown.output
