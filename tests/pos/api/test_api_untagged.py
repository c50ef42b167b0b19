"""Untagged ressourcerie objects through the till's API: the catalogue offers the categories
with their grid and standard weight, a sale records them once, bad input is a French 4xx that
writes nothing."""

import uuid

import pytest
from sqlalchemy import select

from pos.models import SaleLine
from tests.pos.api.conftest import row_counts


def _body(books, untagged, total, **changes):
    return {
        "uuid": str(uuid.uuid4()),
        "till": "C1",
        "untagged": untagged,
        "payments": [{"method": "cash", "amount_cents": 2_000}],
        "expected_total_cents": total,
        **changes,
    }


def test_catalogue_offers_the_categories_and_a_sale_records_them_once(till_client, session, books):
    catalogue = till_client.get("/api/pos/catalogue").get_json()
    offered = {c["name"]: c for c in catalogue["ressourcerie"]}
    assert offered["Livres"] == {
        "id": books.id,
        "name": "Livres",
        "price_cents": 100,
        "standard_weight_grams": 300,
        "grid": [
            {"label": "Poche", "price_cents": 50},
            {"label": "Grand format", "price_cents": 200},
            {"label": "Beau livre", "price_cents": 500},
        ],
    }
    body = _body(
        books,
        [
            {"category_id": books.id, "grid_entry": 1, "weight_grams": 800},
            {"category_id": books.id, "price_cents": 150, "quantity": 2},
            {"category_id": books.id, "price_cents": 400, "lot": True, "weight_grams": 5_000},
        ],
        200 + 300 + 400,
    )
    first = till_client.post("/api/pos/sales", json=body)
    again = till_client.post("/api/pos/sales", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["ticket"] == again.get_json()["ticket"]
    lines = session.scalars(select(SaleLine).order_by(SaleLine.id)).all()
    assert [
        (line.label, line.quantity, line.amount_cents, line.weight_grams) for line in lines
    ] == [
        ("Livres — Grand format", 1, 200, 800),
        ("Livres", 2, 300, 600),
        ("Livres (lot)", 1, 400, 5_000),
    ]


@pytest.mark.parametrize(
    ("line", "status", "message"),
    [
        ({"grid_entry": 7}, 409, "la grille de prix a changé"),
        ({"grid_entry": -1}, 422, "grid_entry"),
        ({"price_cents": -5}, 422, "price_cents"),
        ({"weight_grams": 0}, 422, "weight_grams"),
        ({"quantity": 2, "lot": True, "weight_grams": 10}, 422, "un lot compte pour un"),
        ({"price": 5}, 422, "price"),
        ({"category_id": 999_999}, 404, "inconnue ou archivée"),
        ({"category_id": "1"}, 422, "category_id"),
    ],
)
def test_bad_untagged_lines_write_nothing(till_client, session, books, line, status, message):
    before = row_counts(session)
    answer = till_client.post(
        "/api/pos/sales", json=_body(books, [{"category_id": books.id, **line}], 50)
    )
    assert answer.status_code == status, answer.get_json()
    assert message in str(answer.get_json())
    assert row_counts(session) == before
