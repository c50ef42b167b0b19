"""Two sites on one PostgreSQL: a person of site A gets nothing of site B through any page or
API route (every address of ``app.url_map``, with site B's own ids and references), and the
database's row-level security shows site A's rows only to a transaction of site A."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.audit.services import record_audit
from app.demo import load_demo_data
from app.doctor import _row_security
from app.sites.models import FIRST_SITE_ID
from app.sites.services import create_site
from app.users.accounts import NewUser, create_user
from app.users.roles import Role
from inventory.models import LotOrigin, Product
from inventory.services.receptions import LotData, ReceptionData, receive_line, start_reception
from inventory.services.stocktakes import start_stocktake
from pos.models import PaymentMethod, Till
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.sales import record_sale
from pos.services.sessions import open_session
from tests.app.route_table import rules
from tests.app.site_walk import log_in
from tests.conftest import csrf_token_from, sale_line

# What only site B holds: none of it may reach a person of site A.
SECRETS = (
    "SUD-C1",
    "Caisse Sud secrète",
    "Fournisseur du Sud",
    "Inventaire du Sud",
    "Bernard du Sud",  # a person of site B only
    "Buffet secret du Sud",  # its ressourcerie's item
    "Partenaire du Sud",  # an outflow of its ressourcerie
    "Commande du Sud",  # its purchase order
    "Abandon du Sud",  # a sale abandoned at its till
)


@pytest.fixture
def two_sites(session, now):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("Plusieurs sites demandent PostgreSQL (une base SQLite sert un seul site).")
    load_demo_data(session, now)  # site A: the demo's shop (the first site)
    south = create_site(session, None, now, "SUD", "Antenne Sud")
    till = Till(code="SUD-C1", name="Caisse Sud secrète", is_active=True, site_id=south.id)
    session.add(till)
    session.flush()
    from app.users.models import User

    operator = session.scalar(select(User).where(User.username == "admin"))
    bernard = create_user(
        session,
        None,
        now,
        NewUser(
            "Bernard du Sud",
            Role.ENCADRANT,
            username="bernard",
            password="x" * 12,
            site_ids=(south.id,),
        ),
    )
    record_audit(session, actor_id=bernard.id, now=now, action="login.succeeded")
    product = session.scalar(select(Product).where(Product.is_active).order_by(Product.id))
    reception = start_reception(
        session,
        operator.id,
        now,
        ReceptionData(LotOrigin.PURCHASE, supplier="Fournisseur du Sud", site_id=south.id),
    )
    receive_line(
        session,
        operator.id,
        now,
        reception,
        product,
        LotData(100, best_before=now.date() + timedelta(days=300)),
    )
    stocktake = start_stocktake(session, operator.id, now, "Inventaire du Sud", south.id)
    order = _ressourcerie_and_orders(session, operator, now, south.id, till)
    open_session(session, till, operator, now, {})
    price = product.reference_price_cents
    sale, _created = record_sale(
        session,
        operator,
        now,
        now.date(),
        SaleRequest(
            str(uuid.uuid4()),
            "SUD-C1",
            (sale_line(product.id, 1),),
            (PaymentRequest(PaymentMethod.CASH, price),),
            price,
        ),
    )
    session.commit()
    return {
        "south": south,
        "till_id": till.id,
        "reception_id": reception.id,
        "stocktake_id": stocktake.id,
        "sale": sale,
        "order_id": order.id,
    }


def _ressourcerie_and_orders(session, operator, now, site_id, till):
    """Site B's ressourcerie (an item kept, an outflow to a partner), a purchase order and an
    abandoned sale."""
    from inventory.models import ItemCategory, OutflowChannel, Supplier
    from inventory.purchasing.models import SupplierKind
    from inventory.purchasing.services import create_order
    from inventory.ressourcerie.items import IntakeData, record_intake
    from inventory.ressourcerie.outflows import OutflowData, record_outflow
    from pos.models import AbandonedSale
    from tests.inventory.ressourcerie.conftest import collection_type

    category = session.scalar(select(ItemCategory).where(ItemCategory.name == "Mobilier"))
    kind = collection_type(session, "Déchèterie")
    day = now.date()
    _intake, item = record_intake(
        session,
        operator.id,
        now,
        day,
        IntakeData(
            category.id, kind, day, 30_000, 0, "Buffet secret du Sud", True, site_id=site_id
        ),
    )
    assert item.number == "SUD-R00001"
    record_outflow(
        session,
        operator.id,
        now,
        day,
        OutflowData(
            category.id, OutflowChannel.PARTNER, day, 4_000, 0, "Partenaire du Sud", None, site_id
        ),
    )
    supplier = Supplier(name="Grossiste commun", kind=SupplierKind.SHOP, is_active=True)
    session.add(supplier)
    session.flush()
    order = create_order(session, operator.id, now, supplier, None, site_id)
    order.note = "Commande du Sud"
    session.add(
        AbandonedSale(
            uuid=str(uuid.uuid4()),
            till_id=till.id,
            abandoned_at=now,
            operator_id=operator.id,
            approved_by_id=operator.id,
            reason="Abandon du Sud",
            site_id=site_id,
        )
    )
    session.flush()
    return order


def _url(app, rule, ids: dict) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if type(converter).__name__.endswith("IntegerConverter"):
            values[name] = ids.get(name, 1)
        else:
            values[name] = {"reference": "SUD-C1-000001", "number": "SUD-R00001"}.get(name, "x")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_a_person_of_site_a_gets_nothing_of_site_b(app, client, session, two_sites):
    assert two_sites["sale"].site_id == two_sites["south"].id  # written by the database
    log_in(client, Role.ADMIN)  # the demo's admin works at site A only
    ids = {
        "till_id": two_sites["till_id"],
        "reception_id": two_sites["reception_id"],
        "stocktake_id": two_sites["stocktake_id"],
        "sale_id": two_sites["sale"].id,
        "site_id": two_sites["south"].id,
        "order_id": two_sites["order_id"],
    }
    leaks = []
    for rule in rules(app):
        if "GET" not in rule.methods:
            continue
        url = _url(app, rule, ids)
        for query in ("", "?till=SUD-C1", "?q=SUD-C1-000001", "?site=SUD"):
            response = client.get(url + query)
            body = response.get_data(as_text=True) if response.status_code < 500 else ""
            if response.status_code >= 500:
                leaks.append(f"GET {url}{query}: {response.status_code}")
            # What the page says of site B, not the address typed echoed back (a search box).
            found = [s for s in SECRETS if s in body and s not in url + query]
            if found:
                leaks.append(f"GET {url}{query}: {found}")
    token = csrf_token_from(client.get("/accueil").get_data(as_text=True))
    for path, body in (
        ("/api/pos/sales", {"uuid": str(uuid.uuid4()), "till": "SUD-C1", "lines": []}),
        ("/api/pos/session", {"till": "SUD-C1", "float": {}}),
    ):
        answer = client.post(path, json=body, headers={"X-CSRFToken": token})
        said = answer.get_data(as_text=True)
        if answer.status_code < 400 or any(s in said and s not in str(body) for s in SECRETS):
            leaks.append(f"POST {path}: {answer.status_code} {answer.get_data(as_text=True)}")
    assert leaks == [], "\n".join(leaks)


def test_row_level_security_shows_a_transaction_its_sites_rows_only(session, two_sites):
    """What the database itself enforces, whatever SQL the application would send: a role
    that is not a superuser (superusers pass row-level security), as the application's."""
    south = two_sites["south"].id
    session.execute(text("DROP ROLE IF EXISTS caisse_rls_probe"))
    session.execute(text("CREATE ROLE caisse_rls_probe"))
    session.execute(text("GRANT USAGE ON SCHEMA public TO caisse_rls_probe"))
    session.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO caisse_rls_probe"))
    assert not _row_security(session).ok  # the tests' superuser: `caisse doctor` says so
    session.execute(text("SET LOCAL ROLE caisse_rls_probe"))
    assert _row_security(session).ok

    def sites_seen(sites: str) -> set[int]:
        session.execute(text("SELECT set_config('caisse.sites', :s, true)"), {"s": sites})
        return set(session.scalars(text("SELECT DISTINCT site_id FROM sales")))

    assert sites_seen(str(FIRST_SITE_ID)) == {FIRST_SITE_ID}
    assert sites_seen(str(south)) == {south}
    assert sites_seen("-1") == set()  # a person given no site
    assert sites_seen("") == {FIRST_SITE_ID, south}  # no person: the command line, the worker

    # The tables without a site of their own: seen with their parent (a sale's lines and
    # payments, an item's repairs…). Site B's rows, as a transaction of site A, then of B.
    b_sale = two_sites["sale"].id
    probes = {
        "sale_lines": f"SELECT count(*) FROM sale_lines WHERE sale_id = {b_sale}",
        "sale_payments": f"SELECT count(*) FROM sale_payments WHERE sale_id = {b_sale}",
        "ressourcerie_items": "SELECT count(*) FROM ressourcerie_items WHERE number LIKE 'SUD-%'",
        "ressourcerie_outflows": "SELECT count(*) FROM ressourcerie_outflows "
        "WHERE partner = 'Partenaire du Sud'",
        "purchase_orders": "SELECT count(*) FROM purchase_orders WHERE note = 'Commande du Sud'",
        "abandoned_sales": "SELECT count(*) FROM abandoned_sales WHERE reason = 'Abandon du Sud'",
    }

    def seen(sites: str) -> dict[str, int]:
        session.execute(text("SELECT set_config('caisse.sites', :s, true)"), {"s": sites})
        return {table: session.scalar(text(sql)) for table, sql in probes.items()}

    as_a, as_b = seen(str(FIRST_SITE_ID)), seen(str(south))
    assert set(as_a.values()) == {0}, as_a
    assert all(count >= 1 for count in as_b.values()), as_b
