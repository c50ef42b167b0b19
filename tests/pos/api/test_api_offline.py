"""The till's API for selling offline: its series and next number, a sale made offline sent
(twice) when the server is back, bad input refused without a write."""

import hashlib
import uuid
from datetime import timedelta

from app.clock import utcnow
from tests.pos.api.conftest import row_counts


def _offline_body(pasta, **offline):
    made = (utcnow() - timedelta(hours=2)).isoformat()
    return {
        "uuid": str(uuid.uuid4()),
        "till": "C1",
        "lines": [{"product_id": pasta.id, "quantity": 2}],
        "payments": [{"method": "cash", "amount_cents": 300}],
        "expected_total_cents": 218,
        "offline": {"made_at": made, "number": 1, "unit_prices": [109], **offline},
    }


def test_the_series_then_an_offline_sale_received_once(till_client, session, pasta, supervisor):
    state = till_client.get("/api/pos/offline?till=C1").get_json()
    assert state["series"] == "C1H" and state["next_number"] == 1
    assert state["max_offline_hours"] == 24
    digest = hashlib.sha256(f"caisse-hors-ligne:{supervisor.badge_code}".encode()).hexdigest()
    assert digest in state["supervisor_badges"]
    assert supervisor.badge_code not in str(state)  # never the badge itself
    body = _offline_body(pasta)
    first = till_client.post("/api/pos/sales", json=body)
    again = till_client.post("/api/pos/sales", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["ticket"] == again.get_json()["ticket"] == "C1H-000001"
    assert first.get_json()["change_cents"] == 82
    assert till_client.get("/api/pos/offline?till=C1").get_json()["next_number"] == 2


def test_bad_offline_bodies_write_nothing(till_client, session, pasta):
    before = row_counts(session)
    for offline, status in (
        ({"made_at": "2026-11-30T10:00:00"}, 422),  # no time zone
        ({"number": 0}, 422),
        ({"rate_bp": 10_001}, 422),
        ({"unit_prices": [-1]}, 422),
        ({"surprise": True}, 422),
    ):
        answer = till_client.post("/api/pos/sales", json=_offline_body(pasta, **offline))
        assert answer.status_code == status, (offline, answer.get_json())
        assert answer.get_json()["code"]
    assert row_counts(session) == before
    assert till_client.get("/api/pos/offline?till=C1H").status_code == 404
