"""``caisse demo`` gives a realistic shop: the figures the issue asks for, all codes valid."""

import pytest
from sqlalchemy import func, select

from app.barcodes import is_valid_gs1
from app.clock import shop_date
from app.demo import DemoAlreadyLoaded, load_demo_data
from app.users.login import authenticate_badge, authenticate_password
from app.users.models import User
from app.users.roles import Role
from inventory.models import GardenParcel, Lot, Product, ProductBarcode, RessourcerieItem
from inventory.services.ledger import ledger_discrepancies
from participants.models import Atelier, Household, Participant
from pos.models import Till


def _count(session, column):
    return session.scalar(select(func.count(column)))


def test_demo_loads_a_realistic_shop_once(session, now):
    report = load_demo_data(session, now)
    assert "Comptes de démonstration :" in report
    assert 290 <= _count(session, Product.id) <= 320
    codes = session.scalars(select(ProductBarcode.code)).all()
    assert codes and all(is_valid_gs1(code) for code in codes)
    today = shop_date(now)
    lots = session.scalars(select(Lot)).all()
    assert any(lot.use_by and lot.use_by < today for lot in lots)  # some expired
    assert any(lot.use_by and lot.use_by >= today for lot in lots)
    assert any(lot.best_before for lot in lots)
    # Every demo lot entered through the ledger, and two weeks of sales took from them.
    assert any(lot.remaining_quantity < lot.quantity for lot in lots)
    assert ledger_discrepancies(session) == []
    from pos.journal.verify import verify_journal
    from pos.models import Sale

    assert _count(session, Sale.id) >= 60
    assert verify_journal(session).ok
    assert 35 <= _count(session, Household.id) <= 45
    cards = session.scalars(select(Household.card_code)).all()
    assert all(is_valid_gs1(c) and c.startswith("042") for c in cards)
    assert _count(session, Participant.id) == 15
    assert _count(session, GardenParcel.id) == 6
    atelier_names = session.scalars(select(Atelier.name)).all()
    assert {"Quatre saisons (épicerie)", "Jardinage et bricolage"} <= set(atelier_names)
    assert _count(session, RessourcerieItem.id) >= 10
    assert _count(session, Till.id) == 2
    # The demo prints to the simulator wherever CAISSE_PRINTER_SIM_PORT puts it.
    from app.settings.services import get_setting

    assert {t.printer_kind for t in session.scalars(select(Till))} == {"simulator"}
    assert get_setting(session, "labels.printer_kind") == "simulator"
    roles = set(session.scalars(select(User.role)).all())
    assert roles == set(Role)
    with pytest.raises(DemoAlreadyLoaded):
        load_demo_data(session, now)


def test_demo_credentials_of_the_readme_work(session, now):
    load_demo_data(session, now)
    for username in ("admin", "encadrant", "referent", "jardin"):
        assert authenticate_password(session, username, f"{username}-demo", now)
    assert authenticate_badge(session, "0410000000014", "1234", now).role == Role.CAISSIER
    assert authenticate_badge(session, "0410000000021", "2468", now).role == Role.ENCADRANT
