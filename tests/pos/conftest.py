"""Builders for till tests: a till, its open session, a household with a right."""

import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from app.users.roles import Role
from inventory.models import StockUnit
from participants.households.records import HouseholdData, MemberData, create_household
from participants.households.rights import RightRequest, decide_right, request_right
from participants.models import Kinship, ReferringBody, Sex
from pos.models import Till
from pos.services.basket import SaleRequest
from pos.services.sales import record_sale
from pos.services.sessions import open_session

TODAY = date(2026, 11, 23)  # the ``now`` fixture's day in Paris


@pytest.fixture
def till(session):
    till = Till(code="C1", name="Caisse 1", is_active=True)
    session.add(till)
    session.flush()
    return till


@pytest.fixture
def cashier(make_user):
    return make_user(Role.CAISSIER, display_name="Nadia", badge_code="0410000000014")


@pytest.fixture
def supervisor(make_user):
    return make_user(
        Role.ENCADRANT,
        username="karim2",
        display_name="Karim",
        badge_code="0410000000021",
        pin="2468",
    )


@pytest.fixture
def open_till(session, till, cashier, now):
    return open_session(session, till, cashier, now, {"2000": 2, "1000": 1, "200": 5})


@pytest.fixture
def household(session, make_user, now):
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
    right = request_right(
        session,
        referent.id,
        now,
        household,
        RightRequest(TODAY - timedelta(days=10), 3, 2000, 2000, "Permis"),
    )
    decide_right(session, referent.id, now, right, grant=True)
    return household


@contextmanager
def insider(session):
    """SQL typed by someone with access to the database who switched its guards off first
    (the triggers that refuse changes come back with the test's rollback)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for name in session.scalars(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND (name LIKE '%_no_update' OR name LIKE '%_no_delete')"
            )
        ).all():
            session.execute(text(f"DROP TRIGGER {name}"))
    yield session


def sell(session, cashier, now, lines, payments, total, **fields):
    request = SaleRequest(
        uuid=fields.pop("uuid", str(uuid.uuid4())),
        till_code="C1",
        lines=tuple(lines),
        payments=tuple(payments),
        expected_total_cents=total,
        **fields,
    )
    return record_sale(session, cashier, now, TODAY, request)


@pytest.fixture
def pasta(make_product, receive):
    product = make_product("Pâtes", 109)
    receive(product, 50, best_before=TODAY + timedelta(days=200))
    return product


@pytest.fixture
def north_till(session, north, cashier, now, pasta, receive):
    """The antenna's till NORD-C1, open, with 30 pasta in the antenna's stock."""
    receive(pasta, 30, best_before=TODAY + timedelta(days=200), site_id=north.id)
    till = Till(code="NORD-C1", name="Caisse Nord", is_active=True, site_id=north.id)
    session.add(till)
    session.flush()
    open_session(session, till, cashier, now, {})
    return till


@pytest.fixture
def tomatoes(make_product, receive):
    product = make_product("Tomates", 320, StockUnit.KILOGRAM)
    receive(product, 20_000)
    return product


@pytest.fixture
def books(session):
    """The ressourcerie's « Livres »: a grid (Poche 0,50, Grand format 2, Beau livre 5) and a
    standard weight of 300 g, for untagged objects sold by category."""
    from inventory.models import ItemCategory
    from inventory.ressourcerie.categories import (
        ItemCategoryData,
        parse_price_grid,
        save_item_category,
    )

    livres = session.scalar(select(ItemCategory).where(ItemCategory.name == "Livres"))
    return save_item_category(
        session,
        livres.id,
        ItemCategoryData(
            "Livres",
            100,
            price_grid=parse_price_grid("Poche : 0,50\nGrand format : 2\nBeau livre : 5"),
            standard_weight_grams=300,
        ),
    )
