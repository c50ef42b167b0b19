"""The till's API tests: a logged-in till with its CSRF header, a product to sell, a sale body."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from inventory.models import StockMovement
from pos.models import Sale
from pos.services.sessions import open_session
from tests.conftest import csrf_token_from
from tests.pos.conftest import TODAY


@pytest.fixture
def till_client(client, session, till, cashier):
    # The API reads the real clock: the session must belong to today's business day.
    open_session(session, till, cashier, utcnow(), {"2000": 2})
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post(
        "/login/badge", data={"badge": cashier.badge_code, "pin": "1234", "csrf_token": token}
    )
    page = client.get("/pos/till")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(page.get_data(as_text=True))
    return client


@pytest.fixture
def pasta(make_product, receive):
    product = make_product("Pâtes", 109, barcodes=["3017620422003"])
    receive(product, 20, best_before=TODAY + timedelta(days=100))
    return product


def sale_body(pasta, **changes):
    body = {
        "uuid": str(uuid.uuid4()),
        "till": "C1",
        "lines": [{"product_id": pasta.id, "quantity": 2}],
        "payments": [{"method": "cash", "amount_cents": 500}],
        "expected_total_cents": 218,
    }
    body.update(changes)
    return body


def row_counts(session):
    """(sales, stock movements): equal before and after means nothing was written."""
    return (
        session.scalar(select(func.count(Sale.id))),
        session.scalar(select(func.count(StockMovement.id))),
    )
