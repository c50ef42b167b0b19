"""Backups and restores as commands (SQLite online backup, pg_dump / pg_restore): a restore
puts the tickets of the copy back, is journaled, and refuses while the server runs; a copy put
back by hand is seen at the next start."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.backup import hold_serve_lock, read_backup, restore_database
from app.clock import shop_date, utcnow
from app.extensions import db
from pos.journal.head import check_head, configured_marker
from pos.journal.verify import verify_journal
from pos.models import JournalEntry, PaymentMethod, Sale
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.sales import record_sale
from tests.conftest import sale_line
from tests.pos.api_fuzz import seed_shop


def _sell(app, count: int) -> int:
    from app.users.models import User
    from inventory.models import Product

    now = utcnow()
    with app.app_context(), Session(db.engine) as session:
        cashier = session.scalar(select(User).where(User.display_name == "Nadia"))
        pasta = session.scalar(select(Product).where(Product.name == "Pâtes"))
        for _ in range(count):
            record_sale(
                session,
                cashier,
                now,
                shop_date(now),
                SaleRequest(
                    uuid=str(uuid.uuid4()),
                    till_code="C1",
                    lines=(sale_line(pasta.id, 1),),
                    payments=(PaymentRequest(PaymentMethod.CASH, 109),),
                    expected_total_cents=109,
                ),
            )
            session.commit()
        return session.scalar(select(func.count(Sale.id)))


def _backup(app, folder) -> str:
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde : " in result.output
    return result.output.split("Sauvegarde : ")[1].split(" (")[0]


def test_backup_more_sales_restore_is_journaled_and_verifies(committed, tmp_path):
    seed_shop(committed)
    assert _sell(committed, 3) == 3
    path = _backup(committed, tmp_path)
    manifest = json.loads((tmp_path / (path.rsplit("/", 1)[1] + ".json")).read_text())
    assert manifest["journal"]["sequence"] > 0 and len(manifest["sha256"]) == 64
    assert _sell(committed, 2) == 5

    runner = committed.test_cli_runner()
    with committed.app_context():
        serving = hold_serve_lock(committed.instance_path)  # « caisse serve » is running
        refused = runner.invoke(args=["restore", path, "--yes"])
        serving.close()
    assert refused.exit_code != 0 and "Le serveur tourne" in refused.output

    result = runner.invoke(args=["restore", path, "--yes"])
    assert result.exit_code == 0, result.output
    with committed.app_context(), Session(db.engine) as session:
        assert session.scalar(select(func.count(Sale.id))) == 3  # the copy's tickets
        last = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence.desc())).first()
        assert last.kind == "restore"
        assert json.loads(last.payload)["from_backup"] == path.rsplit("/", 1)[1]
        assert verify_journal(session).ok
        assert check_head(session, configured_marker(), utcnow()) is None  # said once
    assert _sell(committed, 1) == 4  # selling goes on, numbers follow the copy's


def test_a_copy_put_back_by_hand_is_seen_at_the_next_start(committed, tmp_path):
    seed_shop(committed)
    _sell(committed, 2)
    path = _backup(committed, tmp_path)
    _sell(committed, 2)
    with committed.app_context():
        restore_database(db.engine, read_backup(tmp_path / path.rsplit("/", 1)[1]))
        with Session(db.engine) as session:
            assert check_head(session, configured_marker(), utcnow()) == (
                "Journal : restauration d'une sauvegarde détectée et enregistrée."
            )
            session.commit()
            assert verify_journal(session).ok


def test_a_damaged_backup_is_refused(committed, tmp_path):
    seed_shop(committed)
    path = tmp_path / _backup(committed, tmp_path).rsplit("/", 1)[1]
    with open(path, "ab") as handle:
        handle.write(b"\0")
    result = committed.test_cli_runner().invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0 and "empreinte SHA-256" in result.output


@pytest.fixture(autouse=True)
def _no_head_marker_left(committed):
    yield
    marker = configured_marker()
    if marker is not None:
        marker.path.unlink(missing_ok=True)
