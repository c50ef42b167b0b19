from app import create_app
from app.config import normalise_database_url, resolve_config


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = resolve_config(tmp_path, None)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'caisse.sqlite3'}"
    # A secret key is created once and kept.
    assert (tmp_path / "secret_key").read_text() == config["SECRET_KEY"]
    assert resolve_config(tmp_path, None)["SECRET_KEY"] == config["SECRET_KEY"]


def test_environment_then_instance_config(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db/caisse")
    monkeypatch.setenv("CAISSE_SQLITE_BUSY_TIMEOUT_MS", "9000")
    monkeypatch.setenv("CAISSE_SESSION_COOKIE_SECURE", "true")
    config = resolve_config(tmp_path, None)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@db/caisse"
    assert config["SQLITE_BUSY_TIMEOUT_MS"] == 9000
    assert config["SESSION_COOKIE_SECURE"] is True
    (tmp_path / "caisse.json").write_text('{"SQLITE_BUSY_TIMEOUT_MS": 1234}')
    assert resolve_config(tmp_path, None)["SQLITE_BUSY_TIMEOUT_MS"] == 1234


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_sqlite_is_opened_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"}
    )
    from app.extensions import db

    with flask_app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.engine.dispose()


def test_session_cookie_is_http_only_and_same_site(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
