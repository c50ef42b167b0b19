"""A serial scanner's lines reach the till that owns it."""

import serial

from hardware.scanner import forward_scans


def test_lines_become_scans():
    port = serial.serial_for_url("loop://", timeout=0.2)
    port.write(b"3017620422003\r\n\r\n0420000000013\r")
    received = []
    assert forward_scans(port, received.append, limit=2) == 2
    assert received == ["3017620422003", "0420000000013"]


def test_scans_wait_for_their_till(client, session, make_user, now):
    from pos.models import Till
    from pos.services.scans import record_scan
    from tests.conftest import csrf_token_from

    session.add_all(
        [
            Till(code="C1", name="Caisse 1", is_active=True),
            Till(code="C2", name="Caisse 2", is_active=True),
        ]
    )
    session.flush()
    from app.users.roles import Role

    cashier = make_user(Role.CAISSIER)
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post(
        "/login/badge", data={"badge": cashier.badge_code, "pin": "1234", "csrf_token": token}
    )
    record_scan("C1", "1111111111116", session)
    start = client.get("/api/pos/scans?till=C1&after=-1").get_json()
    assert start["scans"] == []  # what was scanned before the page opened is not replayed
    record_scan("C1", "3017620422003", session)
    record_scan("C2", "0420000000013", session)
    answer = client.get(f"/api/pos/scans?till=C1&after={start['last']}").get_json()
    assert [s["code"] for s in answer["scans"]] == ["3017620422003"]
