"""Caisse Solidaire: the application factory and the wiring of every package."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, request
from sqlalchemy import event

from app.config import resolve_config
from app.extensions import babel, csrf, db, login_manager, migrate
from app.orm import register_text_length_guard, tune_sqlite_engine
from app.values import BoundedIntegerConverter, BoundedRequest

MIGRATIONS_DIRECTORY = str(Path(__file__).parent / "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    # The instance folder (database, secret key, journal head, backups): next to the code, or
    # where CAISSE_INSTANCE_PATH says (a server's /var/lib/caisse, a test's own folder).
    flask_app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("CAISSE_INSTANCE_PATH") or None,
    )
    # Numbers from URLs and parameters are bounded before any view sees them (app/values.py).
    flask_app.request_class = BoundedRequest
    flask_app.url_map.converters["int"] = BoundedIntegerConverter
    instance_path = Path(flask_app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    flask_app.config.update(resolve_config(instance_path, config))
    if int(flask_app.config.get("PROXY_COUNT") or 0) > 0:
        # Behind a reverse proxy (HTTPS): the client's address and scheme come from its
        # X-Forwarded-* headers, trusted for that many proxies only (login throttling per
        # address, the access log, secure cookies).
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(flask_app.config["PROXY_COUNT"])
        flask_app.wsgi_app = ProxyFix(flask_app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    lifetime = flask_app.config["PERMANENT_SESSION_LIFETIME"]
    if isinstance(lifetime, int):
        flask_app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=lifetime)

    _init_extensions(flask_app)
    from app.sites.context import register_site_scope

    register_site_scope(flask_app)  # each request sees its person's sites only
    _register_models()
    _register_settings()
    _register_menus()
    register_text_length_guard()
    _register_blueprints(flask_app)

    from app import errors, templating
    from app.headers import register_security_headers
    from app.input_guard import register_input_guard

    errors.register_error_handlers(flask_app)
    register_input_guard(flask_app)
    register_security_headers(flask_app)
    from app.logs import register_access_log

    register_access_log(flask_app)

    @flask_app.teardown_request
    def _write_the_reads(error):
        from app.audit.services import write_pending_reads

        try:
            write_pending_reads(db.session)
        except Exception:
            db.session.rollback()
            flask_app.logger.exception("read audit could not be written")

    templating.register_template_helpers(flask_app)

    from app.cli import register_commands

    register_commands(flask_app)
    return flask_app


def _init_extensions(flask_app: Flask) -> None:
    db.init_app(flask_app)
    with flask_app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            tune_sqlite_engine(
                engine,
                flask_app.config["SQLITE_BUSY_TIMEOUT_MS"],
                flask_app.config["SQLITE_SYNCHRONOUS"],
            )
        elif engine.dialect.name == "postgresql":

            @event.listens_for(engine, "connect")
            def _set_timezone(dbapi_connection, connection_record):
                with dbapi_connection.cursor() as cursor:
                    cursor.execute("SET TIME ZONE 'UTC'")
                dbapi_connection.commit()

    migrate.init_app(
        flask_app, db, directory=MIGRATIONS_DIRECTORY, render_as_batch=True, compare_type=True
    )

    @flask_app.before_request
    def _sqlite_writes_take_the_lock_first():
        # SQLite has one writer: a request that will write takes the lock before it reads
        # (BEGIN IMMEDIATE waits for it), so concurrent tills queue instead of failing on a
        # stale snapshot. Reads stay concurrent.
        # A view marked ``takes_write_lock_late`` (a long import) reads and checks first and
        # takes the lock itself just before writing, so the tills keep selling meanwhile.
        view = flask_app.view_functions.get(request.endpoint or "")
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and db.engine.dialect.name == "sqlite"
            and not db.session().in_transaction()
            and not getattr(view, "takes_write_lock_late", False)
        ):
            db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})

    @flask_app.before_request
    def _api_needs_a_session_first():
        # A till whose session ended must hear "log in again" (401), not a CSRF refusal that
        # would only say "reload": the session check runs before the CSRF check on the API.
        from flask_login import current_user

        from app.errors import is_api_request

        if (
            is_api_request()
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and not current_user.is_authenticated
        ):
            return login_manager.unauthorized()

    babel.init_app(flask_app)
    csrf.init_app(flask_app)
    login_manager.init_app(flask_app)

    from app.users.auth import configure_login_manager

    configure_login_manager(login_manager)


def _register_models() -> None:
    """Import every package's models so the metadata (and Alembic) sees all tables."""
    import app.audit.models
    import app.settings.models
    import app.sites.models
    import app.users.models  # noqa: F401
    import inventory.models  # noqa: F401
    import labels.models  # noqa: F401
    import participants.models  # noqa: F401
    import pos.models  # noqa: F401


def _register_menus() -> None:
    """Each package declares its pages in the menu (app/navigation.py only names sections)."""
    import inventory.menu  # noqa: F401
    import labels.menu  # noqa: F401
    import participants.menu  # noqa: F401
    import pos.menu  # noqa: F401
    import reports.menu  # noqa: F401


def _register_settings() -> None:
    """Each package declares its settings (Administration → Paramètres lists them all)."""
    import app.settings.core  # noqa: F401
    import inventory.settings  # noqa: F401
    import labels.settings  # noqa: F401
    import participants.settings  # noqa: F401
    import pos.settings  # noqa: F401


def _answer_ports() -> None:
    """Each question a lower package asks (its ports.py) gets its answer from the package
    above it (DESIGN.md's dependency table); a port left unanswered stops the start."""
    from app.ports import DASHBOARD_CARDS, check_ports
    from inventory import ports as inventory_ports
    from inventory.services.receptions import harvest_days
    from labels import ports as labels_ports
    from participants import ports as participants_ports
    from participants.ateliers.people import participant_choices
    from participants.households.privacy import card_label_rows
    from pos.services.documents import tickets_by_uuid
    from pos.services.recall import recall_buyers
    from pos.services.sessions import till_minutes_by_day
    from pos.services.spending import spent_this_month, visits_by_month
    from pos.services.untagged import untagged_reused
    from reports.dashboard import dashboard_cards

    DASHBOARD_CARDS.answer(dashboard_cards)
    inventory_ports.JARDIN_PARTICIPANTS.answer(participant_choices)
    inventory_ports.TICKETS_BY_UUID.answer(tickets_by_uuid)
    inventory_ports.RECALL_BUYERS.answer(recall_buyers)
    inventory_ports.UNTAGGED_REUSED.answer(untagged_reused)
    labels_ports.CARD_LABELS.answer(card_label_rows)
    participants_ports.HOUSEHOLD_SPENDING.answer(spent_this_month)
    participants_ports.HOUSEHOLD_VISITS.answer(visits_by_month)
    participants_ports.TILL_MINUTES.answer(till_minutes_by_day)
    participants_ports.HARVEST_DAYS.answer(harvest_days)
    check_ports()


def _register_blueprints(flask_app: Flask) -> None:
    from app.audit.views import blueprint as audit_blueprint
    from app.scale import blueprint as scale_blueprint
    from app.users.views import blueprint as users_blueprint
    from app.views import blueprint as main_blueprint
    from inventory.views import blueprint as inventory_blueprint
    from labels.views import blueprint as labels_blueprint
    from participants.web import blueprint as participants_blueprint
    from pos.api import blueprint as pos_api_blueprint
    from pos.api import openapi as pos_openapi
    from pos.views import blueprint as pos_blueprint
    from reports.views import blueprint as reports_blueprint

    flask_app.register_blueprint(main_blueprint)
    flask_app.register_blueprint(users_blueprint)
    flask_app.register_blueprint(audit_blueprint)
    from app.site_views import blueprint as site_blueprint

    flask_app.register_blueprint(site_blueprint)
    from app.sites.views import blueprint as sites_blueprint

    flask_app.register_blueprint(sites_blueprint)
    flask_app.register_blueprint(scale_blueprint)
    flask_app.register_blueprint(pos_blueprint, url_prefix="/pos")
    flask_app.register_blueprint(inventory_blueprint, url_prefix="/stock")
    flask_app.register_blueprint(labels_blueprint, url_prefix="/etiquettes")
    flask_app.register_blueprint(reports_blueprint, url_prefix="/rapports")
    flask_app.register_blueprint(participants_blueprint)
    flask_app.register_blueprint(pos_api_blueprint, url_prefix="/api/pos")
    flask_app.add_url_rule("/api/openapi.json", "openapi", pos_openapi)
    from pos.journal.head import HeadMarker, configure_head_marker

    head_file = flask_app.config["JOURNAL_HEAD_FILE"]
    configure_head_marker(
        None
        if head_file == "off"
        else HeadMarker(
            Path(head_file or Path(flask_app.instance_path) / "journal-head.json"),
            flask_app.config["SECRET_KEY"],
        )
    )
    _answer_ports()
