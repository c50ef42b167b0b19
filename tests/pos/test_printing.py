"""The print queue: written with the sale, sent after commit, retried until the printer is back;
a printer failure never touches the sale."""

import socket
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.users.roles import Role
from hardware.models import MODELS
from hardware.receipt import render_receipt
from hardware.simulator import PrinterSimulator
from pos.models import JobKind, JobStatus, PaymentMethod, PrintJob, Sale, Till
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.print_queue import claim_next_job, printer_state, run_due_jobs
from pos.services.printing import queue_drawer, queue_duplicate
from pos.services.sales import record_sale
from tests.conftest import sale_line
from tests.hardware.escpos_decoder import decode
from tests.pos.conftest import TODAY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pasta(make_product, receive):
    product = make_product("Pâtes coquillettes", 109)
    receive(product, 20)
    return product


def _sell(session, cashier, now, pasta, receipt=True):
    return record_sale(
        session,
        cashier,
        now,
        TODAY,
        SaleRequest(
            str(uuid.uuid4()),
            "C1",
            (sale_line(pasta.id, 2),),
            (PaymentRequest(PaymentMethod.CASH, 500),),
            218,
            receipt_requested=receipt,
        ),
    )[0]


def test_printer_down_then_back(session, till, open_till, cashier, now, pasta):
    port = _free_port()
    till.printer_kind, till.printer_target = "network", f"127.0.0.1:{port}"
    sale = _sell(session, cashier, now, pasta)
    jobs = session.scalars(select(PrintJob).where(PrintJob.sale_id == sale.id)).all()
    assert [job.kind for job in jobs] == [JobKind.DRAWER, JobKind.RECEIPT]

    # Nobody listens: the jobs wait, the sale stays, the till says the printer is offline.
    assert run_due_jobs(session, "worker-1", now) == 0
    assert session.get(Sale, sale.id) is not None
    state = printer_state(session, till)
    assert state.state == "offline" and "hors ligne" in state.message
    assert all(job.status == JobStatus.PENDING and job.attempts == 1 for job in jobs)
    assert run_due_jobs(session, "worker-1", now) == 0  # not due yet (backoff)

    with PrinterSimulator(port=port) as printer:
        assert run_due_jobs(session, "worker-1", now + timedelta(seconds=3)) == 2
        for _ in range(200):
            if len(printer.jobs) == 2:
                break
            time.sleep(0.05)
    assert printer_state(session, till).state == "ok"
    # Two connections: the simulator may file them in either order (its threads).
    decoded = [decode(job.data) for job in printer.jobs]
    receipt = next(d for d in decoded if d.text)
    assert "Pâtes coquillettes" in receipt.text and "2,18 €" in receipt.text
    assert receipt.barcodes == [f"{{BC1-{sale.number:06d}"]
    assert [d.drawer_kicks for d in decoded if not d.text] == [1]


def test_no_receipt_unless_asked_and_duplicates_are_numbered(
    session, till, open_till, cashier, now, pasta
):
    till.printer_kind, till.printer_target = "network", "127.0.0.1:9"
    sale = _sell(session, cashier, now, pasta, receipt=False)
    kinds = [j.kind for j in session.scalars(select(PrintJob).where(PrintJob.sale_id == sale.id))]
    assert kinds == [JobKind.DRAWER]
    first = queue_duplicate(session, sale, now)
    second = queue_duplicate(session, sale, now)
    assert "DUPLICATA n° 1" in decode(first.data).text
    assert "DUPLICATA n° 2" in decode(second.data).text


def test_a_claimed_job_is_not_claimed_twice(session, till, open_till, cashier, now, pasta):
    till.printer_kind, till.printer_target = "network", "127.0.0.1:9"
    sale = _sell(session, cashier, now, pasta)
    first = claim_next_job(session, "worker-1", now)
    second = claim_next_job(session, "worker-2", now)
    third = claim_next_job(session, "worker-3", now)
    assert {first.id, second.id} == {
        j.id for j in session.scalars(select(PrintJob).where(PrintJob.sale_id == sale.id))
    }
    assert third is None
    assert (first.claimed_by, second.claimed_by) == ("worker-1", "worker-2")


def test_two_workers_never_send_the_same_job(committed):
    import threading

    from sqlalchemy.orm import Session

    from app.clock import utcnow
    from app.extensions import db
    from app.orm import lock_for_update
    from pos.services.printing import queue_test_page

    app = committed
    now = utcnow()
    with app.app_context(), Session(db.engine) as session:
        tills = [
            Till(
                code=f"P{n}",
                name=f"Caisse P{n}",
                is_active=True,
                printer_kind="network",
                printer_target="127.0.0.1:9",
            )
            for n in (1, 2, 3)
        ]
        session.add_all(tills)
        session.flush()
        for index in range(30):
            queue_test_page(session, tills[index % 3], now)
        session.commit()
    claimed: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    printed: list[tuple[int, int]] = []  # (till, job) in the order they were sent

    def worker(name: str) -> None:
        # As the real worker: nothing to take now is not the end (a till's next page waits for
        # the one another worker sends); done when every page is sent, or failed after 30 s.
        deadline = time.monotonic() + 30
        with app.app_context(), Session(db.engine) as session:
            while time.monotonic() < deadline:
                job = claim_next_job(session, name, now)
                if job is None:
                    unsent = session.scalar(
                        select(func.count(PrintJob.id)).where(PrintJob.status != JobStatus.DONE)
                    )
                    session.rollback()
                    if not unsent:
                        return
                    time.sleep(0.01)
                    continue
                claimed[name].append(job.id)
                printed.append((job.till_id, job.id))
                lock_for_update(session)  # SQLite: the write lock first, as send_job does
                job.status = JobStatus.DONE  # sent
                session.commit()

    threads = [threading.Thread(target=worker, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    every = [job_id for ids in claimed.values() for job_id in ids]
    assert len(every) == 30 and len(set(every)) == 30
    for till_id in {till for till, _ in printed}:  # each till's pages in their order
        ids = [job for till, job in printed if till == till_id]
        assert ids == sorted(ids)


def test_till_printer_api_and_admin_page(
    client, session, till, cashier, supervisor, login, now, pasta
):
    from app.audit.models import AuditEntry
    from app.clock import utcnow
    from pos.services.sessions import open_session
    from tests.conftest import csrf_token_from

    open_session(session, till, cashier, utcnow(), {"2000": 1})
    till.printer_kind, till.printer_target = "network", "127.0.0.1:9"
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post(
        "/login/badge", data={"badge": cashier.badge_code, "pin": "1234", "csrf_token": token}
    )
    headers = {
        "X-CSRFToken": csrf_token_from(client.get("/pos/till?till=C1").get_data(as_text=True))
    }
    assert client.get("/api/pos/printer?till=C1").get_json()["state"] == "ok"
    assert (
        client.post("/api/pos/printer/reprint", json={"till": "C1"}, headers=headers).status_code
        == 404
    )  # nothing sold yet
    body = {
        "uuid": str(uuid.uuid4()),
        "till": "C1",
        "lines": [{"product_id": pasta.id, "quantity": 1}],
        "payments": [{"method": "card", "amount_cents": 109}],
        "expected_total_cents": 109,
    }
    ticket = client.post("/api/pos/sales", json=body, headers=headers).get_json()["ticket"]
    answer = client.post("/api/pos/printer/reprint", json={"till": "C1"}, headers=headers)
    assert answer.get_json() == {"ticket": ticket, "queued": True}
    assert (
        client.post("/api/pos/printer/drawer", json={"till": "C1"}, headers=headers).status_code
        == 200
    )
    kinds = [j.kind for j in session.scalars(select(PrintJob).order_by(PrintJob.id))]
    assert kinds == [JobKind.DUPLICATE, JobKind.DRAWER]  # card sale, no receipt asked
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "till.drawer"))
    assert client.get("/pos/admin/caisses").status_code == 403  # a participant

    login("karim2")
    page = client.get("/pos/admin/caisses")
    assert "Caisses et imprimantes" in page.get_data(as_text=True)
    client.post(
        "/pos/admin/caisses",
        data={
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "till_id": till.id,
            "printer_kind": "network",
            "printer_target": "192.168.1.50:9100",
            "printer_model": "pos-5890",
            "action": "test",
        },
    )
    assert (till.printer_target, till.printer_model) == ("192.168.1.50:9100", "pos-5890")
    test_job = session.scalars(select(PrintJob).order_by(PrintJob.id.desc())).first()
    assert test_job.kind == JobKind.TEST
    assert "Euro : 12,50 €" in decode(test_job.data).text


def test_a_job_is_given_up_after_many_attempts(session, till, now):
    from pos.services.print_queue import MAX_ATTEMPTS
    from pos.services.printing import queue_test_page

    till.printer_kind, till.printer_target = "network", f"127.0.0.1:{_free_port()}"
    job = queue_test_page(session, till, now)
    moment = now
    for _ in range(MAX_ATTEMPTS):
        run_due_jobs(session, "worker-1", moment)
        moment += timedelta(minutes=10)
    assert job.status == JobStatus.FAILED and job.attempts == MAX_ATTEMPTS
    state = printer_state(session, till)
    assert state.state == "failing" and "Réimprimer" in state.message


def test_an_interrupted_receipt_comes_again_as_a_copy_and_a_late_drawer_never(
    session, till, open_till, cashier, now, pasta
):
    """A worker died while sending: the receipt may have printed, so it comes again as a
    journaled DUPLICATA; the drawer kick of that sale, a minute late, is dropped."""
    from pos.models import JournalEntry

    till.printer_kind, till.printer_target = "network", "127.0.0.1:9"
    sale = _sell(session, cashier, now, pasta)
    drawer = claim_next_job(session, "worker-1", now)  # then worker-1 dies
    receipt = claim_next_job(session, "worker-1", now)
    assert (drawer.kind, receipt.kind) == (JobKind.DRAWER, JobKind.RECEIPT)
    later = now + timedelta(minutes=3)
    copy = claim_next_job(session, "worker-2", later)
    assert copy.kind == JobKind.DUPLICATE and copy.sale_id == sale.id
    assert "DUPLICATA n° 1" in decode(copy.data).text
    assert (receipt.status, drawer.status) == (JobStatus.FAILED, JobStatus.FAILED)
    assert claim_next_job(session, "worker-2", later) is None
    assert (
        session.scalar(select(JournalEntry.kind).order_by(JournalEntry.sequence.desc()).limit(1))
        == "duplicate"
    )
    # A drawer kick still waiting (printer off) after a minute is dropped, never fired later.
    kick = queue_drawer(session, till, later)
    assert claim_next_job(session, "worker-2", later + timedelta(seconds=61)) is None
    assert kick.status == JobStatus.FAILED and "abandonné" in kick.last_error


def test_x_and_z_reports_print_on_the_tills_printer(client, session, till, cashier, now, pasta):
    from app.clock import utcnow
    from pos.services.sessions import open_session
    from tests.conftest import csrf_token_from

    open_session(session, till, cashier, utcnow(), {"2000": 1})
    token = csrf_token_from(client.get("/login/badge").get_data(as_text=True))
    client.post(
        "/login/badge", data={"badge": cashier.badge_code, "pin": "1234", "csrf_token": token}
    )
    headers = {
        "X-CSRFToken": csrf_token_from(client.get("/pos/till?till=C1").get_data(as_text=True))
    }
    answer = client.post("/api/pos/session/x/print", json={"till": "C1"}, headers=headers)
    assert (answer.status_code, answer.get_json()["code"]) == (409, "no_printer")
    till.printer_kind = "simulator"
    body = {
        "uuid": str(uuid.uuid4()),
        "till": "C1",
        "lines": [{"product_id": pasta.id, "quantity": 2}],
        "payments": [{"method": "cash", "amount_cents": 218}],
        "expected_total_cents": 218,
    }
    assert client.post("/api/pos/sales", json=body, headers=headers).status_code == 201
    assert client.post(
        "/api/pos/session/x/print", json={"till": "C1"}, headers=headers
    ).get_json() == {"queued": True}
    report = session.scalars(select(PrintJob).where(PrintJob.kind == JobKind.REPORT)).one()
    text = decode(report.data).text
    assert "RAPPORT X" in text and "1 vente(s), 0 remboursement(s)" in text
    assert "Espèces attendues" in text and "22,18 €" in text
    closed = client.post(
        "/api/pos/session/close",
        json={"till": "C1", "counted": {"cash": 2218, "card": 0, "cheque": 0}},
        headers=headers,
    )
    assert closed.status_code == 200, closed.get_json()
    z = session.scalars(
        select(PrintJob).where(PrintJob.kind == JobKind.REPORT).order_by(PrintJob.id.desc())
    ).first()
    text = decode(z.data).text
    assert "RAPPORT Z (clôture)" in text and "Compté - espèces" in text and "Écart" in text


def test_two_workers_print_a_tills_receipts_in_ticket_order(
    session, till, cashier, now, open_till, pasta
):
    """Worker A takes ticket 1's receipt; worker B finds ticket 2's held up until ticket 1 is
    printed (drawer kicks do not wait), then prints it."""
    till.printer_kind = "simulator"
    first = _sell(session, cashier, now, pasta)
    second = _sell(session, cashier, now, pasta)
    queue_drawer(session, till, now)
    session.commit()

    def next_receipt(worker):
        """Claim for ``worker``, sending the drawer kicks it meets; the receipt it gets."""
        while (job := claim_next_job(session, worker, now)) is not None:
            if job.kind != JobKind.DRAWER:
                return job
            job.status = JobStatus.DONE
            session.commit()
        return None

    taken_by_a = next_receipt("A")
    assert taken_by_a.sale_id == first.id
    assert next_receipt("B") is None  # ticket 2 waits for ticket 1
    assert (
        session.scalar(
            select(func.count(PrintJob.id)).where(
                PrintJob.kind == JobKind.DRAWER, PrintJob.status != JobStatus.DONE
            )
        )
        == 0
    )
    taken_by_a.status = JobStatus.DONE
    session.commit()
    assert next_receipt("B").sale_id == second.id


def test_the_structure_page_changes_what_every_receipt_prints(
    client, session, till, cashier, now, open_till, pasta, make_user, login
):
    from pos.services.printing import receipt_document
    from tests.conftest import csrf_token_from, page_text

    make_user(Role.ADMIN, username="claire")
    login("claire")
    token = csrf_token_from(client.get("/admin/structure").get_data(as_text=True))
    answer = client.post(
        "/admin/structure",
        data={
            "csrf_token": token,
            "name": "Épicerie du Lac",
            "address": "3 quai Nord\n33000 Bordeaux",
            "siret": "123",
            "vat": "exempt",
            "footer": "Merci !",
        },
        follow_redirects=True,
    )
    assert "SIRET : 14 chiffres." in page_text(answer)
    client.post(
        "/admin/structure",
        data={
            "csrf_token": token,
            "name": "Épicerie du Lac",
            "address": "3 quai Nord\n33000 Bordeaux",
            "siret": "213 300 635 00017",
            "vat": "exempt",
            "footer": "Merci de votre visite !\nOuvert du mardi au samedi",
        },
    )
    sale = _sell(session, cashier, now, pasta)
    text = decode(render_receipt(receipt_document(session, sale), MODELS["epson-tm-t20ii"])).text
    assert "Épicerie du Lac" in text and "3 quai Nord" in text and "SIRET 21330063500017" in text
    assert "Merci de votre visite !" in text and "Ouvert du mardi au samedi" in text
    assert client.get("/admin/structure").status_code == 200
    login("karim")  # the encadrant who received the goods: not a site administrator
    assert client.get("/admin/structure").status_code == 403
