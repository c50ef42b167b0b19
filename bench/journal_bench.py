"""Journal benchmark: append entries one by one (as the till does) and verify the whole chain.

Usage: ``.venv/bin/python bench/journal_bench.py`` (SQLite in a temporary folder; set
``BENCH_DATABASE_URL`` for PostgreSQL, which is emptied first; ``BENCH_ENTRIES`` for another
count). Prints ``name: value unit (target …)``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade

from app import MIGRATIONS_DIRECTORY, create_app
from app.clock import utcnow
from app.extensions import db
from app.orm import drop_all_tables
from app.sites.models import FIRST_SITE_ID
from pos.journal.chain import append_entry
from pos.journal.verify import verify_journal

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "1000000"))


def _count(value: float) -> str:
    return f"{value:_.0f}".replace("_", " ")


def main() -> None:
    folder = tempfile.mkdtemp(prefix="caisse-journal-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    flask_app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "JOURNAL_HEAD_FILE": "off"}
    )
    with flask_app.app_context():
        drop_all_tables(db.engine)
        upgrade(directory=MIGRATIONS_DIRECTORY)
        print(f"database: {db.engine.dialect.name}")
        now = utcnow()
        started = time.perf_counter()
        for index in range(ENTRIES):
            append_entry(
                db.session,
                "cash_movement",
                now,
                {
                    "till": "C1",
                    "operator": "Nadia",
                    "amount_cents": index % 5000 - 2500,
                    "reason": "Monnaie",
                },
                "C1",
                site_id=FIRST_SITE_ID,
            )
            if index % 1_000 == 999:  # the till commits after each ticket; a request is short
                db.session.commit()
                db.session.expunge_all()
        db.session.commit()
        elapsed = time.perf_counter() - started
        print(
            f"append_{ENTRIES}_entries: {_count(ENTRIES / elapsed)} entries/s "
            f"({elapsed:.1f} s, no target)"
        )
        started = time.perf_counter()
        result = verify_journal(db.session)
        elapsed = time.perf_counter() - started
        assert result.ok and result.count == ENTRIES, result.message
        print(
            f"verify_{ENTRIES}_entries: {_count(ENTRIES / elapsed)} entries/s "
            f"({elapsed:.1f} s, target >= 50 000 entries/s)"
        )


if __name__ == "__main__":
    main()
