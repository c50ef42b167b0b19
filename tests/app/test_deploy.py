"""The deploy/ files run commands that exist, and a proxy's client address is believed only
when the configuration says there is a proxy."""

import re
from pathlib import Path

from app import create_app

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_systemd_units_run_real_commands(app):
    commands = set(app.cli.list_commands(app.app_context()))
    found = []
    for unit in DEPLOY.glob("*.service"):
        for line in unit.read_text(encoding="utf-8").splitlines():
            match = re.match(r"ExecStart=\S+/caisse (\S+)", line)
            if match:
                found.append(match[1])
                assert match[1] in commands, (unit.name, match[1])
    assert sorted(found) == ["backup", "print-worker", "serve"]
    timer = (DEPLOY / "caisse-backup.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 20:00" in timer and "Persistent=true" in timer


def test_the_client_address_comes_from_the_proxy_only_when_told(tmp_path, monkeypatch):
    from flask import request

    monkeypatch.setenv("CAISSE_INSTANCE_PATH", str(tmp_path))
    seen = {}
    for hops in (0, 1):
        proxied = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                "SECRET_KEY": "x",
                "JOURNAL_HEAD_FILE": "off",
                "PROXY_COUNT": hops,
            }
        )

        @proxied.get("/adresse")
        def address():
            return request.remote_addr or ""

        answer = proxied.test_client().get(
            "/adresse",
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        seen[hops] = answer.get_data(as_text=True)
    assert seen == {0: "127.0.0.1", 1: "203.0.113.9"}
