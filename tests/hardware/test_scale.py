"""The Toledo 8217 driver against a simulated scale on a pty, and on pyserial's loop://."""

import pytest
import serial

from hardware.scale import (
    ScaleError,
    ScaleSettings,
    ScaleSimulator,
    open_scale_port,
    parse_frame,
    read_weight,
)


@pytest.fixture
def scale():
    simulator = ScaleSimulator()
    port = open_scale_port(ScaleSettings(simulator.port_name, timeout_seconds=1))
    yield simulator, port
    port.close()
    simulator.close()


@pytest.mark.parametrize(
    ("frame", "grams"),
    [
        (b"\x02 1.234\r", 1234),
        (b"\x02 12.5\r", 12500),
        (b"\x020.005\r", 5),
        (b"\x02 1.250N\r", 1250),
    ],  # N: the net weight a Toledo sends when a tare is set
)
def test_stable_readings(scale, frame, grams):
    simulator, port = scale
    simulator.next_frame = frame
    assert read_weight(port) == grams


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (b"\x02?\x01\r", "instable"),
        (b"\x02?\x02\r", "surcharge"),
        (b"\x02?\x04\r", "sous zéro"),
        (b"\x02#@!\r", "illisible"),
        (b"\x02 1.250X\r", "illisible"),
        (b"\x02 \xd9\xa1.250\r", "illisible"),
    ],
)
def test_refused_readings(scale, frame, message):
    simulator, port = scale
    simulator.next_frame = frame
    with pytest.raises(ScaleError, match=message):
        read_weight(port)


def test_silent_scale():
    port = serial.serial_for_url("loop://", timeout=0.2)
    port.write(b"")  # nothing answers but our own echo of "W"
    with pytest.raises(ScaleError):
        read_weight(port)


def test_frame_parser_directly():
    assert parse_frame(b"\x02 0.250\r") == 250


def test_scale_endpoint_for_the_till_and_the_jardin(client, session, make_user, login, now):
    from app.settings.services import set_setting
    from app.users.roles import Role

    make_user(Role.JARDIN, username="julien")
    login("julien")
    assert client.get("/api/balance").get_json() == {
        "code": "no_scale",
        "message": "Pas de balance branchée : tapez le poids.",
    }
    simulator = ScaleSimulator()
    try:
        set_setting(session, "hardware.scale_port", simulator.port_name, now)
        assert client.get("/api/balance").get_json() == {"grams": 1234}
        simulator.next_frame = b"\x02?\x01\r"
        moving = client.get("/api/balance")
        assert moving.status_code == 409 and "instable" in moving.get_json()["message"]
    finally:
        simulator.close()
