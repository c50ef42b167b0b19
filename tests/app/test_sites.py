"""Sites: an existing one-site database becomes site 1 with nothing lost; SQLite serves one
site, a second one needs PostgreSQL; a site's code is checked."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from app import MIGRATIONS_DIRECTORY
from app.extensions import db
from app.sites.models import FIRST_SITE_ID, Site, user_sites
from app.sites.services import SiteRefused, create_site, parse_site_code, sites_of
from app.users.accounts import NewUser, create_user
from app.users.models import User
from app.users.roles import Role
from pos.journal.verify import verify_journal
from pos.models import JournalEntry, JournalHead, Sale, Till
from tests.conftest import csrf_token_from, page_text
from tests.pos.test_journal_races import _yesterday_with_a_sale


def _state(session: Session) -> dict:
    return {
        "entries": session.execute(
            select(JournalEntry.sequence, JournalEntry.hash).order_by(JournalEntry.sequence)
        ).all(),
        "head": session.execute(select(JournalHead.last_sequence, JournalHead.last_hash)).one(),
        "sales": session.scalar(select(func.count(Sale.id))),
        "tills": sorted(session.scalars(select(Till.code))),
        "users": session.scalar(select(func.count(User.id))),
    }


def test_an_existing_one_site_database_becomes_site_1_with_nothing_lost(committed):
    _yesterday_with_a_sale(committed)  # a session opened, a sale, the session closed
    with committed.app_context():
        with Session(db.engine) as session:
            before = _state(session)
        db.session.remove()
        downgrade(directory=MIGRATIONS_DIRECTORY, revision="0023_offline_sales")
        assert "sites" not in inspect(db.engine).get_table_names()  # as it was before sites
        upgrade(directory=MIGRATIONS_DIRECTORY)
        db.engine.dispose()
        with Session(db.engine) as session:
            assert _state(session) == before  # every entry, the head, the records
            assert session.execute(select(Site.id, Site.code)).all() == [(FIRST_SITE_ID, "")]
            assert set(session.scalars(select(Till.site_id))) == {FIRST_SITE_ID}
            assert set(session.scalars(select(JournalEntry.site_id))) == {FIRST_SITE_ID}
            given = session.execute(
                select(user_sites.c.site_id, func.count()).group_by(user_sites.c.site_id)
            ).all()
            assert given == [(FIRST_SITE_ID, before["users"])]
            result = verify_journal(session)
            assert result.ok and result.count == len(before["entries"]), result.message


def test_a_new_user_works_at_the_first_site(session, now):
    user = create_user(
        session, None, now, NewUser("Inès", Role.ENCADRANT, username="ines", password="x" * 12)
    )
    assert sites_of(session, user.id) == [FIRST_SITE_ID]


def test_sqlite_serves_one_site_a_second_needs_postgresql(session, now):
    if session.get_bind().dialect.name == "sqlite":
        with pytest.raises(SiteRefused, match="PostgreSQL"):
            create_site(session, None, now, "NORD", "Antenne Nord")
        assert session.scalar(select(func.count(Site.id))) == 1
        return
    site = create_site(session, None, now, " nord ", "Antenne Nord")
    assert (site.code, site.name) == ("NORD", "Antenne Nord")
    with pytest.raises(SiteRefused, match="déjà"):
        create_site(session, None, now, "NORD", "Autre")
    with pytest.raises(SiteRefused, match="déjà"):
        create_site(session, None, now, "SUD", "antenne nord")


@pytest.mark.parametrize("code", ["", "NORD-1", "TROPLONGCODE", "É1", "a b"])
def test_a_site_code_is_capitals_and_digits(code):
    with pytest.raises(SiteRefused, match="1 à 8 lettres"):
        parse_site_code(code)


def test_the_sites_page_makes_a_site_and_people_are_given_it(client, login, session, now):
    admin = create_user(
        session, None, now, NewUser("Claire", Role.ADMIN, username="claire", password="x" * 12)
    )
    colleague = create_user(
        session, None, now, NewUser("Inès", Role.ENCADRANT, username="ines", password="x" * 12)
    )
    session.commit()
    login("claire", "x" * 12)
    page = client.get("/admin/sites")
    token = csrf_token_from(page.get_data(as_text=True))
    made = client.post(
        "/admin/sites",
        data={"csrf_token": token, "code": "nord", "name": "Antenne Nord"},
        follow_redirects=True,
    )
    if session.get_bind().dialect.name == "sqlite":
        assert "demandent une base PostgreSQL" in page_text(made)
        assert session.scalar(select(func.count(Site.id))) == 1
        return
    assert "Site « Antenne Nord » créé" in page_text(made)
    north = session.scalar(select(Site).where(Site.code == "NORD"))
    assert sites_of(session, admin.id) == [FIRST_SITE_ID, north.id]  # its maker works there
    # The header offers the choice; working at the antenna.
    home = client.get("/accueil")
    assert 'name="site"' in home.get_data(as_text=True)
    chosen = client.post(
        "/site-de-travail",
        data={"csrf_token": token, "site": str(north.id)},
        follow_redirects=True,
    )
    assert "site « Antenne Nord »" in page_text(chosen)
    assert (
        client.post("/site-de-travail", data={"csrf_token": token, "site": "999"}).status_code
        == 403
    )
    # The colleague is given the antenna too; unticking every site is refused.
    url = f"/admin/users/{colleague.id}"
    client.post(
        url, data={"csrf_token": token, "action": "sites", "sites": [FIRST_SITE_ID, north.id]}
    )
    assert sites_of(session, colleague.id) == [FIRST_SITE_ID, north.id]
    refused = client.post(url, data={"csrf_token": token, "action": "sites"}, follow_redirects=True)
    assert "un site au moins" in page_text(refused)
    assert sites_of(session, colleague.id) == [FIRST_SITE_ID, north.id]


def test_a_sales_lines_and_payments_keep_its_site_through_the_migration(committed):
    """PostgreSQL, several sites already (0027): the lines and payments of the antenna's sale
    take the antenna's site when 0028 gives them their own column (they were the first's by
    default); the journal still verifies."""
    import uuid
    from datetime import timedelta

    from app.clock import shop_date, utcnow
    from inventory.models import LotOrigin
    from inventory.services.receptions import LotData, ReceptionData, receive_line, start_reception
    from pos.models import PaymentMethod, SaleLine, SalePayment
    from pos.services.basket import PaymentRequest, SaleRequest
    from pos.services.sales import record_sale
    from pos.services.sessions import open_session
    from tests.conftest import sale_line
    from tests.pos.api_fuzz import seed_shop

    with committed.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("Plusieurs sites demandent PostgreSQL (une base SQLite sert un seul site).")
    seed_shop(committed)
    now = utcnow()
    with committed.app_context(), Session(db.engine) as session:
        from inventory.models import Product

        staff = session.scalar(select(User).where(User.display_name == "Karim"))
        pasta = session.scalar(select(Product).where(Product.name == "Pâtes"))
        north = create_site(session, None, now, "NORD", "Antenne Nord")
        reception = start_reception(
            session, staff.id, now, ReceptionData(LotOrigin.PURCHASE, site_id=north.id)
        )
        receive_line(
            session,
            staff.id,
            now,
            reception,
            pasta,
            LotData(5, best_before=now.date() + timedelta(days=90)),
        )
        till = Till(code="NORD-C1", name="Caisse Nord", is_active=True, site_id=north.id)
        session.add(till)
        session.flush()
        open_session(session, till, staff, now, {})
        sale, _created = record_sale(
            session,
            staff,
            now,
            shop_date(now),
            SaleRequest(
                str(uuid.uuid4()),
                "NORD-C1",
                (sale_line(pasta.id, 2),),
                (PaymentRequest(PaymentMethod.CASH, 218),),
                218,
            ),
        )
        session.commit()
        sale_id, north_id = sale.id, north.id
    with committed.app_context():
        db.session.remove()
        downgrade(directory=MIGRATIONS_DIRECTORY, revision="0027_stock_transfers")
        upgrade(directory=MIGRATIONS_DIRECTORY)
        db.engine.dispose()
        with Session(db.engine) as session:
            for model in (SaleLine, SalePayment):
                sites = set(session.scalars(select(model.site_id).where(model.sale_id == sale_id)))
                assert sites == {north_id}, model.__name__
            assert verify_journal(session).ok
