"""A schema-driven fuzz run of the till's API: schemathesis generates valid and invalid calls
from /api/openapi.json and checks every answer is documented, JSON in its schema, never a 5xx.

Used by ``tests/pos/api/test_api_fuzz.py`` (a short run) and ``bench/api_fuzz.py`` (minutes)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.clock import utcnow
from app.extensions import db
from app.users.accounts import NewUser, create_user
from app.users.roles import Role

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CASHIER_BADGE, CASHIER_PIN = "0410000000014", "1234"


@dataclass
class FuzzReport:
    calls: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_operation: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def seed_shop(flask_app) -> None:
    """A cashier, an encadrant·e, a till opened today, two products (one weighed), a card."""
    from inventory.models import LotOrigin, StockUnit
    from inventory.services.products import ProductData, create_product, get_or_create_category
    from inventory.services.receptions import LotData, ReceptionData, receive_line, start_reception
    from pos.models import Till
    from pos.services.sessions import open_session
    from tests.conftest import seed_household

    now = utcnow()
    with flask_app.app_context():
        session = db.session
        cashier = create_user(
            session,
            None,
            now,
            NewUser("Nadia", Role.CAISSIER, badge_code=CASHIER_BADGE, pin=CASHIER_PIN),
        )
        staff = create_user(
            session,
            None,
            now,
            NewUser(
                "Karim",
                Role.ENCADRANT,
                badge_code="0410000000021",
                pin="2468",
                username="karim",
                password="encadrant-fuzz",
            ),
        )
        category = get_or_create_category(session, "Épicerie")
        pasta = create_product(
            session,
            None,
            now,
            ProductData("Pâtes", category.id, StockUnit.PIECE, 109),
            ["3017620422003"],
        )
        tomatoes = create_product(
            session,
            None,
            now,
            ProductData("Tomates", category.id, StockUnit.KILOGRAM, 320),
            ["2100005000000"],
        )
        reception = start_reception(session, staff.id, now, ReceptionData(LotOrigin.PURCHASE))
        receive_line(
            session,
            staff.id,
            now,
            reception,
            pasta,
            LotData(500, best_before=date.today() + timedelta(days=300)),
        )
        receive_line(session, staff.id, now, reception, tomatoes, LotData(100_000))
        seed_household(session, "0420000000013", now)
        till = Till(code="C1", name="Caisse 1", is_active=True)
        session.add(till)
        session.flush()
        open_session(session, till, cashier, now, {"2000": 2})
        db.session.commit()
        db.session.remove()


def _logged_in_headers(flask_app) -> tuple[dict[str, str], dict[str, str]]:
    """The cookie and CSRF header of a cashier logged in at till C1, as the browser has."""
    from tests.conftest import csrf_token_from

    client = FlaskClient(flask_app, flask_app.response_class)  # a browser of its own
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post(
        "/login/badge", data={"badge": CASHIER_BADGE, "pin": CASHIER_PIN, "csrf_token": token}
    )
    page = client.get("/pos/till?till=C1").get_data(as_text=True)
    cookie = client.get_cookie(flask_app.config["SESSION_COOKIE_NAME"])
    assert "Caisse 1" in page, "the fuzzing cashier could not log in"
    return {"X-CSRFToken": csrf_token_from(page)}, {cookie.key: cookie.value}


def _anchored(product_ids: list[int]):
    """Half the calls name the real till and products, so they get past the first lookups
    and exercise sales, refunds, sessions and approvals for real."""

    def anchor(case):
        if isinstance(case.body, dict):
            if "till" in case.body:
                case.body["till"] = "C1"
            lines = case.body.get("lines")
            for line in lines if isinstance(lines, list) else []:
                if isinstance(line, dict) and isinstance(line.get("product_id"), int):
                    line["product_id"] = product_ids[line["product_id"] % len(product_ids)]
        if isinstance(case.query, dict) and "till" in case.query:
            case.query["till"] = "C1"
        return case

    return anchor


def fuzz_api(flask_app, max_examples: int, seed: int | None = None) -> FuzzReport:
    """Each operation, valid then invalid data; the database must be seeded (seed_shop)."""
    report = FuzzReport()
    headers, cookies = _logged_in_headers(flask_app)
    with flask_app.app_context():
        from sqlalchemy import select

        from inventory.models import Product

        anchor = _anchored(list(db.session.scalars(select(Product.id))))
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", flask_app)
    started = time.perf_counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(
                max_examples=max_examples,
                deadline=None,
                database=None,
                derandomize=seed is not None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategies.one_of(strategy, strategy.map(anchor)))
            def call(case):
                response = case.call(headers=headers, cookies=cookies)
                report.calls += 1
                report.statuses[response.status_code] += 1
                code = ""
                if response.status_code >= 400:
                    try:
                        code = response.json().get("code", "")
                    except ValueError:
                        code = "not-json"
                report.by_operation[(case.operation.label, response.status_code, code)] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                call()
            except Exception as failure:  # noqa: BLE001 — every failure is reported
                report.failures.append(
                    f"{operation.label} [{mode.value}]: {str(failure).strip()[:1500]}"
                )
    report.seconds = time.perf_counter() - started
    return report
