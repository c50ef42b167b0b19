"""The till's API where an encadrant·e approves: badge and PIN locked out and audited, a price
typed by hand approved once, refunds and abandoned sales that can never replay as sales, cash
movements bounded."""

import uuid

from sqlalchemy import select

from tests.pos.api.conftest import row_counts, sale_body


def _approval(client, badge, pin, action="sale", **subject):
    return client.post(
        "/api/pos/approvals",
        json={
            "till": "C1",
            "action": action,
            "badge": badge,
            "pin": pin,
            **({"subject": subject} if subject else {}),
        },
    )


def test_approvals_need_the_pin_lock_out_and_are_audited(
    till_client, session, supervisor, make_user, pasta
):

    from app.audit.models import AuditEntry
    from app.users.roles import Role

    wrong = _approval(till_client, supervisor.badge_code, "0000")
    unknown = _approval(till_client, "0419999999999", "2468")
    assert wrong.status_code == unknown.status_code == 403
    assert (
        wrong.get_json()
        == unknown.get_json()
        == {"code": "approval_refused", "message": "Badge ou code PIN incorrect."}
    )
    session.refresh(supervisor)
    assert supervisor.failed_attempts == 1  # kept although the request was refused
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["login.failed", "login.unknown_badge"]

    for _ in range(4):
        _approval(till_client, supervisor.badge_code, "0000")
    locked = _approval(till_client, supervisor.badge_code, "2468")  # the right PIN, too late
    assert locked.status_code == 403 and "bloqué" in locked.get_json()["message"]

    disabled = make_user(Role.ENCADRANT, username="paul", badge_code="0410000000045", pin="1357")
    disabled.is_enabled = False
    assert _approval(till_client, "0410000000045", "1357").get_json()["message"] == (
        "Badge ou code PIN incorrect."
    )
    cashier_itself = _approval(till_client, "0410000000014", "1234")
    assert "ne permet pas de valider" in cashier_itself.get_json()["message"]


def test_a_manual_price_is_approved_for_that_price_once(till_client, session, supervisor, pasta):
    def body(price, token=None):
        line = {"product_id": pasta.id, "quantity": 1, "manual_unit_price_cents": price}
        if token:
            line["approval_token"] = token
        return sale_body(
            pasta,
            lines=[line],
            expected_total_cents=price,
            payments=[{"method": "cash", "amount_cents": max(price, 1)}],
        )

    needs = till_client.post("/api/pos/sales", json=body(20))
    assert (needs.status_code, needs.get_json()["code"]) == (409, "approval_required")
    # The refusal says what to have approved: the till asks for exactly that.
    assert needs.get_json()["details"] == {
        "action": "price",
        "line": 1,
        "subject": {"product_id": pasta.id, "unit_price_cents": 20},
    }
    granted = _approval(
        till_client,
        supervisor.badge_code,
        "2468",
        "price",
        **needs.get_json()["details"]["subject"],
    )
    assert granted.status_code == 200 and granted.get_json()["approver"] == "Karim"
    token = granted.get_json()["token"]
    # Approved at 0,20 €, sent at 0,00 €: refused, and nothing recorded.
    cheaper = till_client.post("/api/pos/sales", json=body(0, token))
    assert (cheaper.status_code, cheaper.get_json()["code"]) == (409, "approval_invalid")
    assert till_client.post("/api/pos/sales", json=body(20, token)).status_code == 201
    reused = till_client.post("/api/pos/sales", json=body(20, token))
    assert (reused.status_code, reused.get_json()["code"]) == (409, "approval_invalid")
    assert row_counts(session)[0] == 1


# --- a UUID is bound to its kind and its till; an abandoned sale never comes back -----------


def test_a_sale_uuid_replayed_as_a_refund_returns_nothing(till_client, session, supervisor, pasta):
    body = sale_body(pasta)
    sale = till_client.post("/api/pos/sales", json=body).get_json()
    token = _approval(
        till_client, supervisor.badge_code, "2468", "refund", ticket=sale["ticket"]
    ).get_json()["token"]
    replay = till_client.post(
        "/api/pos/refunds",
        json={
            "uuid": body["uuid"],
            "till": "C1",
            "ticket": sale["ticket"],
            "lines": [{"line_id": 1, "quantity": 1}],
            "restock": True,
            "approval_token": token,
        },
    )
    assert (replay.status_code, replay.get_json()["code"]) == (409, "uuid_conflict")
    assert "ticket" not in replay.get_json()


def test_an_abandoned_sale_is_never_recorded_afterwards(till_client, session, supervisor, pasta):
    body = sale_body(pasta)
    token = _approval(
        till_client, supervisor.badge_code, "2468", "abandon", sale_uuid=body["uuid"]
    ).get_json()["token"]
    abandon = till_client.post(
        "/api/pos/sales/abandon",
        json={
            "uuid": body["uuid"],
            "till": "C1",
            "reason": "Client parti",
            "approval_token": token,
        },
    )
    assert abandon.get_json() == {"uuid": body["uuid"], "abandoned": True, "sale": None}
    late = till_client.post("/api/pos/sales", json=body)
    assert (late.status_code, late.get_json()["code"]) == (409, "sale_abandoned")
    assert row_counts(session)[0] == 0
    # Abandoning a sale that had in fact been recorded answers with its ticket instead.
    recorded = sale_body(pasta)
    till_client.post("/api/pos/sales", json=recorded)
    token = _approval(
        till_client, supervisor.badge_code, "2468", "abandon", sale_uuid=recorded["uuid"]
    ).get_json()["token"]
    answer = till_client.post(
        "/api/pos/sales/abandon",
        json={
            "uuid": recorded["uuid"],
            "till": "C1",
            "reason": "Client parti",
            "approval_token": token,
        },
    ).get_json()
    assert answer["abandoned"] is False and answer["sale"]["ticket"] == "C1-000001"


# --- cash movements --------------------------------------------------------------------------


def test_cash_movements_are_bounded_and_approved(till_client, supervisor):
    def move(amount, reason="Dépôt en banque", **more):
        return till_client.post(
            "/api/pos/session/cash",
            json={
                "uuid": str(uuid.uuid4()),
                "till": "C1",
                "amount_cents": amount,
                "reason": reason,
                **more,
            },
        )

    assert move(-9_999_999, "x").status_code == 422
    assert move(-500, "x").status_code == 422
    needs = move(-3000)  # the float is 40 €, the threshold 50 €: fine
    assert needs.status_code == 200 and needs.get_json()["expected_cash_cents"] == 1000
    assert move(-1001).get_json()["code"] == "invalid_request"  # more than the drawer holds
    big = move(6000, "Monnaie de la banque")
    assert (big.status_code, big.get_json()["code"]) == (409, "approval_required")
    assert big.get_json()["details"] == {"action": "cash", "subject": {"amount_cents": 6000}}
    token = _approval(
        till_client, supervisor.badge_code, "2468", "cash", amount_cents=6000
    ).get_json()["token"]
    assert move(7000, "Monnaie de la banque", approval_token=token).get_json()["code"] == (
        "approval_invalid"
    )
    assert move(6000, "Monnaie de la banque", approval_token=token).status_code == 200
