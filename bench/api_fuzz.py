"""Schema-driven fuzz run of the till's API for a few minutes (schemathesis, valid and invalid
calls generated from /api/openapi.json, half of them aimed at the real till and products).

Usage: ``.venv/bin/python bench/api_fuzz.py [examples per operation and mode, default 400]``
on SQLite in a temporary folder, or with ``BENCH_DATABASE_URL=postgresql://…`` (that database
is emptied first). Prints one line per figure: ``name: value unit (target …)``, then each
failure found. Exits 1 if any.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from tests.conftest import reset_database
from tests.pos.api_fuzz import fuzz_api, seed_shop


def main() -> int:
    logging.disable(logging.WARNING)  # the app logs each refusal it expected
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    url = (
        os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{tempfile.mkdtemp(prefix='caisse-fuzz-')}/fuzz.sqlite3"
    )
    flask_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "fuzz",
            "JOURNAL_HEAD_FILE": "off",
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    reset_database(flask_app)
    seed_shop(flask_app)
    report = fuzz_api(flask_app, max_examples=examples)
    server_errors = sum(n for status, n in report.statuses.items() if status >= 500)
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    print(
        f"api_fuzz_calls_{database}: {report.calls} calls ({examples} examples per "
        f"operation and mode, {len(report.by_operation)} operation×answer pairs)"
    )
    print(f"api_fuzz_duration_{database}: {report.seconds:.0f} s (target: a few minutes)")
    print(f"api_fuzz_server_errors_{database}: {server_errors} answers (target 0)")
    print(
        f"api_fuzz_failures_{database}: {len(report.failures)} operations (target 0: every "
        f"answer documented, JSON, in its schema)"
    )
    print(
        "statuses: " + ", ".join(f"{status}×{n}" for status, n in sorted(report.statuses.items()))
    )
    for failure in report.failures:
        print("\n" + failure)
    return 1 if report.failures or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
