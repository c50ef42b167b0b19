"""The server's logs: rotating files in instance/logs, one access line per request, and no
personal data (no query string, no form)."""

import logging

from app import create_app


def test_access_and_application_logs_hold_no_personal_data(tmp_path, monkeypatch):
    from app.logs import configure_file_logging

    monkeypatch.setenv("CAISSE_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
            "SECRET_KEY": "x",
            "JOURNAL_HEAD_FILE": "off",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    from tests.conftest import reset_database

    reset_database(app)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        application, access = configure_file_logging(app)
        assert application == tmp_path / "logs" / "caisse.log"
        client = app.test_client()
        client.get("/login?next=/foyers/%3Fq%3DMartin")
        client.post("/login", data={"username": "amina.diallo", "password": "secret-123"})
        logging.getLogger("app.test").warning("un avertissement")
        for handler in [*root.handlers, *logging.getLogger("caisse.access").handlers]:
            handler.flush()
        lines = access.read_text(encoding="utf-8").splitlines()
        assert any(" GET /login 200 " in line for line in lines)
        assert any(" POST /login " in line for line in lines)
        text = access.read_text(encoding="utf-8") + application.read_text(encoding="utf-8")
        assert "Martin" not in text and "amina" not in text and "secret-123" not in text
        assert "un avertissement" in application.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        for handler in logging.getLogger("caisse.access").handlers[:]:
            logging.getLogger("caisse.access").removeHandler(handler)
            handler.close()
