"""The till's JSON API: validation in French, nothing written on bad input, exactly once,
and the OpenAPI document generated from the same schemas."""

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
    client.post("/login/badge", data={"badge": cashier.badge_code, "pin": "1234",
                                      "csrf_token": token})
    page = client.get("/pos/till")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(page.get_data(as_text=True))
    return client


@pytest.fixture
def pasta(make_product, receive):
    product = make_product("Pâtes", 109, barcodes=["3017620422003"])
    receive(product, 20, best_before=TODAY + timedelta(days=100))
    return product


def _sale(pasta, **changes):
    body = {"uuid": str(uuid.uuid4()), "till": "C1",
            "lines": [{"product_id": pasta.id, "quantity": 2}],
            "payments": [{"method": "cash", "amount_cents": 500}],
            "expected_total_cents": 218}
    body.update(changes)
    return body


def _counts(session):
    return (session.scalar(select(func.count(Sale.id))),
            session.scalar(select(func.count(StockMovement.id))))


def test_sale_then_the_same_uuid_again(till_client, session, pasta):
    body = _sale(pasta)
    first = till_client.post("/api/pos/sales", json=body)
    assert first.status_code == 201
    assert first.get_json() | {} == {"uuid": body["uuid"], "ticket": "C1-000001", "number": 1,
                                     "total_cents": 218, "reference_total_cents": 218,
                                     "change_cents": 282, "created": True}
    again = till_client.post("/api/pos/sales", json=body)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert again.get_json()["ticket"] == "C1-000001"
    assert _counts(session)[0] == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [({"lines": [{"product_id": 1, "quantity": -3}]}, "« lines[1].quantity » : doit être "
                                                      "supérieur à 0"),
     ({"lines": [{"product_id": 1, "quantity": 1_000_001}]}, "doit être au plus 1000000"),
     ({"lines": [{"product_id": 1, "quantity": "2"}]}, "nombre entier attendu"),
     ({"uuid": "pas-un-uuid"}, "identifiant UUID attendu"),
     ({"payments": [{"method": "bitcoin", "amount_cents": 5}]}, "valeur non permise"),
     ({"lines": []}, "Le panier est vide."),  # nor any ressourcerie item
     ({"surprise": 1}, "champ inconnu")],
)
def test_bad_input_is_a_french_4xx_and_writes_nothing(till_client, session, pasta, change,
                                                      message):
    before = _counts(session)
    response = till_client.post("/api/pos/sales", json=_sale(pasta, **change))
    assert response.status_code == 422
    assert message in response.get_json()["message"]
    assert _counts(session) == before


def test_malformed_json_and_unknown_ids(till_client, session, pasta):
    response = till_client.post("/api/pos/sales", data="{pas du json",
                                content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["message"] == "Requête illisible : le JSON est mal formé."
    unknown = till_client.post("/api/pos/sales", json=_sale(pasta, lines=[
        {"product_id": 987654, "quantity": 1}]))
    assert unknown.status_code == 404 and "inconnu" in unknown.get_json()["message"]
    assert till_client.get("/api/pos/tickets/C1-000777").status_code == 404


def test_price_mismatch_is_409_with_the_server_total(till_client, pasta):
    response = till_client.post("/api/pos/sales", json=_sale(pasta, expected_total_cents=200))
    assert response.status_code == 409
    assert response.get_json()["details"] == {"server_total_cents": 218}


def test_json_calls_need_the_csrf_header(till_client, pasta):
    del till_client.environ_base["HTTP_X_CSRFTOKEN"]
    response = till_client.post("/api/pos/sales", json=_sale(pasta))
    assert response.status_code == 400 and "jeton de sécurité" in response.get_json()["message"]


def test_catalogue_with_etag(till_client, pasta):
    response = till_client.get("/api/pos/catalogue")
    data = response.get_json()
    assert {"id": pasta.id, "name": "Pâtes", "unit": "piece", "price_cents": 109,
            "vat_rate_bp": 550, "per_visit_limit": None,
            "barcodes": ["3017620422003"]} in data["products"]
    assert data["rules"][0] == {"kind": "beneficiary_card", "pattern": "042*"}
    etag = response.headers["ETag"]
    assert till_client.get("/api/pos/catalogue", headers={"If-None-Match": etag}
                           ).status_code == 304


def test_openapi_document_comes_from_the_schemas(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    sale_in = document["components"]["schemas"]["SaleIn"]
    assert sale_in["additionalProperties"] is False
    line = document["components"]["schemas"]["LineIn"]["properties"]["quantity"]["anyOf"][0]
    assert (line["exclusiveMinimum"], line["maximum"]) == (0, 1_000_000)
    assert "embedded_price_cents" not in document["components"]["schemas"]["LineIn"][
        "properties"]
    post = document["paths"]["/api/pos/sales"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/SaleIn")
    # Every answer is documented: created, replayed, and each refusal in the {code, message}
    # shape; the till parameter where it is required.
    assert {"201", "200", "400", "401", "403", "404", "409", "415", "422", "500",
            "503"} <= set(post["responses"])
    assert post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/Error")
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for path in ("/api/pos/session", "/api/pos/session/x", "/api/pos/printer",
                 "/api/pos/scans"):
        parameters = document["paths"][path]["get"]["parameters"]
        assert {"name": "till", "required": True} .items() <= parameters[0].items()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)
            assert any(status.startswith("2") for status in operation["responses"])


def test_referent_cannot_use_the_till_api(client, make_user, login):
    from app.users.roles import Role

    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    assert client.get("/api/pos/catalogue").status_code == 403
