"""The till's JSON API: validation in French, nothing written on bad input, exactly once,
and the OpenAPI document generated from the same schemas."""

import uuid

import pytest

from app.clock import utcnow
from pos.services.sessions import open_session
from tests.conftest import csrf_token_from
from tests.pos.api.conftest import row_counts, sale_body


def test_sale_then_the_same_uuid_again(till_client, session, pasta):
    body = sale_body(pasta)
    first = till_client.post("/api/pos/sales", json=body)
    assert first.status_code == 201
    assert first.get_json() | {} == {
        "uuid": body["uuid"],
        "ticket": "C1-000001",
        "number": 1,
        "total_cents": 218,
        "reference_total_cents": 218,
        "change_cents": 282,
        "created": True,
    }
    again = till_client.post("/api/pos/sales", json=body)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert again.get_json()["ticket"] == "C1-000001"
    assert row_counts(session)[0] == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"lines": [{"product_id": 1, "quantity": -3}]},
            "« lines[1].quantity » : doit être supérieur à 0",
        ),
        ({"lines": [{"product_id": 1, "quantity": 1_000_001}]}, "doit être au plus 1000000"),
        ({"lines": [{"product_id": 1, "quantity": "2"}]}, "nombre entier attendu"),
        ({"uuid": "pas-un-uuid"}, "identifiant UUID attendu"),
        ({"payments": [{"method": "bitcoin", "amount_cents": 5}]}, "valeur non permise"),
        ({"lines": []}, "Le panier est vide."),  # nor any ressourcerie item
        ({"surprise": 1}, "champ inconnu"),
    ],
)
def test_bad_input_is_a_french_4xx_and_writes_nothing(till_client, session, pasta, change, message):
    before = row_counts(session)
    response = till_client.post("/api/pos/sales", json=sale_body(pasta, **change))
    assert response.status_code == 422
    assert message in response.get_json()["message"]
    assert row_counts(session) == before


def test_malformed_json_and_unknown_ids(till_client, session, pasta):
    response = till_client.post(
        "/api/pos/sales", data="{pas du json", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.get_json()["message"] == "Requête illisible : le JSON est mal formé."
    unknown = till_client.post(
        "/api/pos/sales", json=sale_body(pasta, lines=[{"product_id": 987654, "quantity": 1}])
    )
    assert unknown.status_code == 404 and "inconnu" in unknown.get_json()["message"]
    assert till_client.get("/api/pos/tickets/C1-000777").status_code == 404


def test_price_mismatch_is_409_with_the_server_total(till_client, pasta):
    response = till_client.post("/api/pos/sales", json=sale_body(pasta, expected_total_cents=200))
    assert response.status_code == 409
    assert response.get_json()["details"] == {"server_total_cents": 218}


def test_json_calls_need_the_csrf_header(till_client, pasta):
    del till_client.environ_base["HTTP_X_CSRFTOKEN"]
    response = till_client.post("/api/pos/sales", json=sale_body(pasta))
    assert response.status_code == 400 and "jeton de sécurité" in response.get_json()["message"]


def test_catalogue_with_etag(till_client, pasta):
    response = till_client.get("/api/pos/catalogue")
    data = response.get_json()
    assert {
        "id": pasta.id,
        "name": "Pâtes",
        "unit": "piece",
        "price_cents": 109,
        "vat_rate_bp": 550,
        "per_visit_limit": None,
        "barcodes": ["3017620422003"],
        "category": pasta.category.name,
        "search": "pates",
        "quick_key": False,
        "check_stock": False,  # nothing past its date on the books
    } in data["products"]
    assert data["rules"][0] == {"kind": "beneficiary_card", "pattern": "042*"}
    etag = response.headers["ETag"]
    assert till_client.get("/api/pos/catalogue", headers={"If-None-Match": etag}).status_code == 304


def test_openapi_document_comes_from_the_schemas(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    sale_in = document["components"]["schemas"]["SaleIn"]
    assert sale_in["additionalProperties"] is False
    line = document["components"]["schemas"]["LineIn"]["properties"]["quantity"]["anyOf"][0]
    assert (line["exclusiveMinimum"], line["maximum"]) == (0, 1_000_000)
    assert "embedded_price_cents" not in document["components"]["schemas"]["LineIn"]["properties"]
    post = document["paths"]["/api/pos/sales"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/SaleIn"
    )
    # Every answer is documented: created, replayed, and each refusal in the {code, message}
    # shape; the till parameter where it is required.
    assert {"201", "200", "400", "401", "403", "404", "409", "415", "422", "500", "503"} <= set(
        post["responses"]
    )
    assert post["responses"]["409"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/Error"
    )
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for path in ("/api/pos/session", "/api/pos/session/x", "/api/pos/printer", "/api/pos/scans"):
        parameters = document["paths"][path]["get"]["parameters"]
        assert {"name": "till", "required": True}.items() <= parameters[0].items()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)
            assert any(status.startswith("2") for status in operation["responses"])


def test_referent_cannot_use_the_till_api(client, make_user, login):
    from app.users.roles import Role

    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    assert client.get("/api/pos/catalogue").status_code == 403


# --- prices only from the server -----------------------------------------------------------


def test_a_client_sent_price_is_refused(till_client, session, pasta):
    """3 × infant milk sold for 0,01 € by sending a price: refused, nothing written."""
    before = row_counts(session)
    response = till_client.post(
        "/api/pos/sales",
        json=sale_body(
            pasta,
            lines=[{"product_id": pasta.id, "quantity": 3, "embedded_price_cents": 1}],
            expected_total_cents=1,
            payments=[{"method": "cash", "amount_cents": 1}],
        ),
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid"
    assert "« lines[1].embedded_price_cents » : champ inconnu" in response.get_json()["message"]
    assert row_counts(session) == before


def test_a_weighed_label_is_read_by_the_server(till_client, session, make_product, receive):
    from inventory.models import RuleKind, StockUnit
    from inventory.nomenclature import compile_rule, embed_value

    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"])
    receive(tomatoes, 10_000)
    label = embed_value(compile_rule(RuleKind.WEIGHT, "w", "21.....{NNDDD}"), "2100005000000", 1250)
    body = {
        "uuid": str(uuid.uuid4()),
        "till": "C1",
        "lines": [{"code": label}],
        "payments": [{"method": "cash", "amount_cents": 400}],
        "expected_total_cents": 400,
    }
    response = till_client.post("/api/pos/sales", json=body)
    assert response.status_code == 201 and response.get_json()["total_cents"] == 400
    # A label cannot carry another weight than its own.
    forged = dict(body, uuid=str(uuid.uuid4()), lines=[{"code": label, "quantity": 1}])
    refused = till_client.post("/api/pos/sales", json=forged)
    assert refused.status_code == 422 and "vient de l'étiquette" in refused.get_json()["message"]


# --- every /api answer is JSON with a code -------------------------------------------------


def test_a_logged_out_or_disabled_till_gets_401_json_never_a_redirect(
    client, session, till, cashier, pasta, now
):
    for method, url in (
        ("GET", "/api/pos/catalogue"),
        ("POST", "/api/pos/sales"),
        ("GET", "/api/caisse/carte/0420000000013"),
        ("GET", "/api/balance"),
    ):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, url
        assert "Location" not in response.headers
        assert response.get_json()["code"] == "auth_required"
        assert "badgez-vous de nouveau" in response.get_json()["message"]
    # Logged in, then the account is disabled under the till: the next call is 401 too.
    open_session(session, till, cashier, utcnow(), {})
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post(
        "/login/badge", data={"badge": cashier.badge_code, "pin": "1234", "csrf_token": token}
    )
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(
        client.get("/pos/till?till=C1").get_data(as_text=True)
    )
    assert client.get("/api/pos/catalogue").status_code == 200
    cashier.is_enabled = False
    response = client.post("/api/pos/sales", json=sale_body(pasta))
    assert (response.status_code, response.get_json()["code"]) == (401, "auth_required")


def test_refusals_are_json_with_a_stable_code(till_client, session, pasta, monkeypatch, app):
    from sqlalchemy.exc import OperationalError

    import pos.api.sales

    cases = [
        (till_client.get("/api/pos/nothing-here"), 404, "not_found"),
        (till_client.delete("/api/pos/sales"), 405, "method_not_allowed"),
        (
            till_client.post("/api/pos/sales", data="x", content_type="text/plain"),
            415,
            "json_expected",
        ),
        (till_client.get("/api/pos/session"), 422, "invalid"),  # the till parameter
        (till_client.get("/api/pos/session?till=ZZ"), 404, "not_found"),
        (till_client.get("/api/pos/tickets/C1-99999999999999999999"), 422, "invalid_request"),
        (
            till_client.post("/api/pos/sales", json=sale_body(pasta, expected_total_cents=5)),
            409,
            "price_mismatch",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (response.get_json(), status)
        assert response.get_json()["code"] == code
        assert response.get_json()["message"]

    def busy(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(pos.api.sales, "record_sale", busy)
    response = till_client.post("/api/pos/sales", json=sale_body(pasta))
    assert (response.status_code, response.get_json()["code"]) == (503, "database_busy")

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(pos.api.sales, "record_sale", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = till_client.post("/api/pos/sales", json=sale_body(pasta))
    assert (response.status_code, response.get_json()["code"]) == (500, "server_error")
    assert "Rien n'a été enregistré" in response.get_json()["message"]


def test_a_referent_is_refused_in_json(client, make_user, login):
    from app.users.roles import Role

    make_user(Role.REFERENT, username="sophie")
    login("sophie")
    response = client.get("/api/pos/catalogue")
    assert (response.status_code, response.get_json()["code"]) == (403, "forbidden")


# --- approvals: badge and PIN, counted like a login -----------------------------------------
