"""Archives of a closed month, verified on their own; technical events in the journal."""

import json
import uuid
import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
from sqlalchemy import select, text

from app.clock import SHOP_TIMEZONE
from app.sites.models import FIRST_SITE_ID
from pos.journal.archive import ArchiveRefused, build_archive, verify_archive
from pos.journal.events import record_software_version, verify_and_record
from pos.journal.head import check_head, configured_marker
from pos.journal.verify import verify_journal
from pos.models import JournalEntry, JournalHead, PaymentMethod
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.refunds import RefundRequest, record_refund
from pos.services.sales import record_sale
from pos.services.sessions import close_session, open_session
from tests.conftest import sale_line
from tests.pos.conftest import insider


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHOP_TIMEZONE)


@pytest.fixture
def two_months(session, till, cashier, supervisor, make_product, receive, approve):
    """Sales on 30/10, 2/11 (card + cash, one refund) and 3/11, then 1/12 closes November."""
    rice = make_product("Riz", 250)
    oil = make_product("Huile", 399, vat_rate_bp=2000)
    receive(rice, 500, best_before=date(2028, 1, 1))
    receive(oil, 500, best_before=date(2028, 1, 1))

    def day(when: date, baskets, refund=False):
        moment = _moment(when)
        cash_session = open_session(session, till, cashier, moment, {})
        sales = []
        for lines, method in baskets:
            total = sum(price * n for _product, price, n in lines)
            sales.append(
                record_sale(
                    session,
                    cashier,
                    moment,
                    when,
                    SaleRequest(
                        str(uuid.uuid4()),
                        "C1",
                        tuple(sale_line(p.id, n) for p, _, n in lines),
                        (PaymentRequest(method, total),),
                        total,
                    ),
                )[0]
            )
        if refund:
            record_refund(
                session,
                cashier,
                moment,
                when,
                RefundRequest(
                    str(uuid.uuid4()),
                    "C1",
                    f"C1-{sales[0].number:06d}",
                    ((sales[0].lines[0].id, 1),),
                    True,
                    approve(supervisor, "refund", at=moment, ticket=f"C1-{sales[0].number:06d}"),
                    sales[0].payments[0].method,
                ),
            )
        close_session(
            session,
            cash_session,
            cashier,
            moment,
            {"cash": 10_000, "card": 10_000, "cheque": 0},
            "compté",
            approve(
                supervisor,
                "close",
                at=moment,
                counted={"cash": 10_000, "card": 10_000, "cheque": 0},
            ),
        )

    card, cash = PaymentMethod.CARD, PaymentMethod.CASH
    day(date(2026, 10, 30), [([(rice, 250, 2)], card)])
    day(
        date(2026, 11, 2),
        [([(rice, 250, 1), (oil, 399, 1)], card), ([(oil, 399, 3)], cash)],
        refund=True,
    )
    day(date(2026, 11, 3), [([(rice, 250, 4)], cash)])
    day(date(2026, 12, 1), [([(rice, 250, 1)], cash)])
    session.flush()


NOW = datetime(2026, 12, 1, 18, 0, tzinfo=SHOP_TIMEZONE)


def test_archive_of_a_closed_month_verifies_and_is_journaled(session, two_months):
    data = build_archive(
        session, "2026-11", NOW, "1.2.3", "Les Quatre Saisons", site_id=FIRST_SITE_ID
    )
    result = verify_archive(data)
    assert result.ok, result.message
    with zipfile.ZipFile(BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        closures = archive.read("clotures.csv").decode("utf-8-sig").splitlines()
    # From the entry after October's monthly closure up to November's.
    assert manifest["period"] == "2026-11" and manifest["opening_grand_total_cents"] == 500
    kinds = [
        json.loads(line)["kind"]
        for line in zipfile.ZipFile(BytesIO(data)).read("journal.jsonl").decode().splitlines()
    ]
    assert kinds[0] == "session_opened" and kinds[-1] == "closure_monthly"
    assert kinds.count("sale") == 3 and kinds.count("refund") == 1
    # 2/11: 2,50 + 3,99 + 11,97 − 2,50 ; 3/11: 10,00 → grand total 5,00 + 15,96 + 10,00
    assert closures[-1].split(";")[1:7] == ["monthly", "2026-11", "3", "1", "2596", "3096"]
    assert result.message == (
        f"Archive 2026-11 intègre : {manifest['count']} écriture(s) "
        f"vérifiée(s), de la n° {manifest['first_sequence']} à la n° "
        f"{manifest['last_sequence']}."
    )
    last = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence.desc())).first()
    assert last.kind == "archive" and last.reference == "archive-2026-11"
    assert verify_journal(session).ok


def test_an_unclosed_or_malformed_period_is_refused(session, two_months):
    with pytest.raises(ArchiveRefused, match="Le mois 2026-12 n'est pas clôturé"):
        build_archive(session, "2026-12", NOW, "1", "site", site_id=FIRST_SITE_ID)
    with pytest.raises(ArchiveRefused, match="attendu AAAA-MM"):
        build_archive(session, "11/2026", NOW, "1", "site", site_id=FIRST_SITE_ID)


def test_every_single_changed_byte_is_found(session, two_months):
    data = build_archive(session, "2026-11", NOW, "1", "site", site_id=FIRST_SITE_ID)
    step = max(1, len(data) // 1500)  # ~1,500 positions spread over every part of the file
    for position in [*range(0, len(data), step), len(data) - 1]:
        altered = bytearray(data)
        altered[position] ^= 0x01
        assert not verify_archive(bytes(altered)).ok, f"octet {position} modifié non détecté"


def test_a_re_sealed_archive_with_a_changed_amount_is_found(session, two_months):
    """Someone edits a ticket and recomputes the manifest's file hashes: the chain breaks."""
    import hashlib

    from pos.journal.archive import _zip

    data = build_archive(session, "2026-11", NOW, "1", "site", site_id=FIRST_SITE_ID)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["journal.jsonl"] = members["journal.jsonl"].replace(
        b'\\"total_cents\\":1197', b'\\"total_cents\\":1097', 1
    )
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["journal.jsonl"]["sha256"] = hashlib.sha256(
        members["journal.jsonl"]
    ).hexdigest()
    members["manifest.json"] = json.dumps(manifest, sort_keys=True, indent=2).encode()
    result = verify_archive(_zip(members))
    assert not result.ok and "contenu modifié" in result.message


def test_archive_commands_verify_on_a_fresh_database(app, session, two_months, tmp_path):
    """Export with the CLI; verify the file with the CLI of another installation whose
    database is empty; one changed byte makes it fail."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = app.test_cli_runner().invoke(
        args=["journal", "archive", "--period", "2026-11", "--output", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "journal-2026-11.zip"
    assert "Archive écrite" in result.output and path.exists()

    def verify_elsewhere() -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}"}
        return subprocess.run(
            [
                str(Path(sys.executable).parent / "caisse"),
                "journal",
                "verify",
                "--archive",
                str(path),
            ],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = verify_elsewhere()
    assert done.returncode == 0, done.stderr
    assert "Archive 2026-11 intègre" in done.stdout
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x20
    path.write_bytes(bytes(data))
    done = verify_elsewhere()
    assert done.returncode == 1
    assert "altéré" in done.stdout or "modifié" in done.stdout


def test_software_version_change_is_journaled_once(session, now):
    assert record_software_version(session, "0.1.0", now)
    assert not record_software_version(session, "0.1.0", now)
    assert record_software_version(session, "0.2.0", now)
    payloads = [
        json.loads(p)
        for p in session.scalars(
            select(JournalEntry.payload)
            .where(JournalEntry.kind == "software_version")
            .order_by(JournalEntry.sequence)
        )
    ]
    assert [(p["version"], p["previous_version"]) for p in payloads] == [
        ("0.1.0", None),
        ("0.2.0", "0.1.0"),
    ]


def test_a_restore_made_after_the_last_start_is_detected(session, two_months, now):
    """The head is kept outside the database after every commit (not only at start): a copy
    put back after more tickets is seen, journaled once, and the marker follows."""
    marker = configured_marker()
    session.commit()  # the activity is committed: the marker follows the journal's head
    seen, valid = marker.read()
    head = session.execute(select(JournalHead.last_sequence, JournalHead.last_hash)).one()
    assert valid and (seen["sequence"], seen["hash"]) == tuple(head)
    # The database is put back to an older copy: the last three entries disappear.
    with insider(session):
        session.execute(
            text("DELETE FROM journal_entries WHERE sequence > :s"), {"s": seen["sequence"] - 3}
        )
        session.execute(
            text(
                "UPDATE journal_heads SET last_sequence = :s, last_hash = "
                "(SELECT hash FROM journal_entries WHERE sequence = :s)"
            ),
            {"s": seen["sequence"] - 3},
        )
    assert check_head(session, marker, now) == (
        "Journal : restauration d'une sauvegarde détectée et enregistrée."
    )
    restore = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence.desc())).first()
    assert restore.kind == "restore"
    assert json.loads(restore.payload)["last_seen_sequence"] == seen["sequence"]
    assert check_head(session, marker, now) is None  # journaled once
    # Another database altogether (a fresh demo, a new site) is not a restore: each journal
    # starts with its own random identity, so two made the same day differ.
    first = json.loads(
        session.scalar(select(JournalEntry.payload).where(JournalEntry.sequence == 1))
    )
    assert len(first["database_id"]) == 32
    marker.write(999, "0" * 64, "f" * 64, force=True)
    assert check_head(session, marker, now) is None


def test_an_edited_head_marker_is_seen(session, two_months, now):
    marker = configured_marker()
    session.commit()
    data = json.loads(marker.path.read_text())
    data["sequence"] -= 1  # someone "fixes" the marker to hide a restore
    marker.path.write_text(json.dumps(data))
    assert check_head(session, marker, now) == (
        "Journal : le repère de tête a été modifié hors de l'application."
    )
    entry = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence.desc())).first()
    assert entry.kind == "head_marker_altered"
    assert marker.read()[1]  # signed again, from the database
    assert verify_journal(session).ok


def test_a_failed_verification_is_journaled(session, two_months, now):
    session.commit()
    with insider(session):
        session.execute(text("UPDATE sales SET total_cents = 1 WHERE number = 1"))
    session.commit()
    result = verify_and_record(session, now)
    assert not result.ok
    entry = session.scalars(select(JournalEntry).order_by(JournalEntry.sequence.desc())).first()
    assert entry.kind == "verification_failed"
    assert json.loads(entry.payload)["message"] == result.message


def test_admin_page_verifies_and_downloads_an_archive(
    client, login, make_user, session, two_months
):
    from app.users.roles import Role
    from tests.conftest import csrf_token_from, page_text

    make_user(Role.ADMIN, username="direction")
    login("direction")
    page = client.get("/pos/admin/journal")
    assert page.status_code == 200
    assert "2026-11" in page_text(page) and "Jour (Z)" in page_text(page)
    token = csrf_token_from(page.get_data(as_text=True))
    answer = client.post("/pos/admin/journal", data={"csrf_token": token, "action": "verify"})
    assert "Journal intègre" in page_text(answer)
    download = client.post(
        "/pos/admin/journal", data={"csrf_token": token, "action": "archive", "period": "2026-11"}
    )
    assert download.headers["Content-Type"] == "application/zip"
    assert verify_archive(download.get_data()).ok
    # Somebody changes a ticket behind the application's back: named, and journaled.
    with insider(session):
        session.execute(
            text(
                "UPDATE sale_lines SET amount_cents = 1 WHERE id = (SELECT MAX(id) FROM sale_lines)"
            )
        )
    answer = client.post("/pos/admin/journal", data={"csrf_token": token, "action": "verify"})
    assert "ne correspond plus au ticket" in page_text(answer)
    assert "vérification en échec" in page_text(client.get("/pos/admin/journal"))


def test_a_social_worker_cannot_open_the_journal_page(client, login, make_user):
    from app.users.roles import Role

    make_user(Role.REFERENT, username="sophie2")
    login("sophie2")
    assert client.get("/pos/admin/journal").status_code == 403
