"""Stock transfers between sites: the goods leave the sending site's lots at once (dates nearest
first), travel, and enter the receiving site's stock for what arrived; a difference is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.sites.models import FIRST_SITE_ID
from app.sites.services import give_sites
from inventory.errors import InsufficientStock, InvalidData
from inventory.models import (
    Lot,
    LotOrigin,
    MovementKind,
    StockMovement,
    StockTransfer,
    TransferStatus,
)
from inventory.services.ledger import stock_on_hand
from inventory.transfers.services import TransferRequest, receive_transfer, send_transfer
from tests.conftest import csrf_token_from, page_text


@pytest.fixture
def pasta(make_product, receive, now):
    product = make_product("Pâtes", 109)
    receive(product, 4, best_before=now.date() + timedelta(days=30))  # sent first
    receive(product, 6, best_before=now.date() + timedelta(days=300))
    return product


def _send(session, staff, now, north, product, quantity):
    return send_transfer(
        session,
        staff.id,
        now,
        now.date(),
        TransferRequest(FIRST_SITE_ID, north.id, ((product.id, quantity),), "Renfort"),
    )


def test_a_transfer_moves_stock_exactly_and_keeps_the_difference(session, staff, now, north, pasta):
    transfer = _send(session, staff, now, north, pasta, 7)
    assert transfer.status == TransferStatus.IN_TRANSIT
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 3
    assert stock_on_hand(session, pasta.id, north.id) == 0  # in transit: in no site's stock
    near, far = now.date() + timedelta(days=30), now.date() + timedelta(days=300)
    assert [(line.quantity, line.best_before) for line in transfer.lines] == [(4, near), (3, far)]
    out = session.scalars(
        select(StockMovement.quantity).where(StockMovement.kind == MovementKind.TRANSFER_OUT)
    ).all()
    assert sorted(out) == [-4, -3]

    first, second = transfer.lines
    differences = receive_transfer(session, staff.id, now, transfer, {second.id: 2})
    assert [(line.id, gap) for line, gap in differences] == [(second.id, -1)]
    assert stock_on_hand(session, pasta.id, north.id) == 6  # 4 + 2 arrived, 1 missing
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 3  # the loss is the trip's
    arrived = session.execute(
        select(Lot.quantity, Lot.best_before, Lot.origin)
        .where(Lot.site_id == north.id)
        .order_by(Lot.id)
    ).all()
    assert arrived == [(4, near, LotOrigin.TRANSFER), (2, far, LotOrigin.TRANSFER)]
    assert transfer.status == TransferStatus.RECEIVED and second.difference == -1
    with pytest.raises(InvalidData, match="déjà été reçu"):
        receive_transfer(session, staff.id, now, transfer, {})


def test_what_cannot_be_sent_or_received_is_refused_and_nothing_moves(
    session, staff, now, north, pasta
):
    with pytest.raises(InsufficientStock), session.begin_nested():  # the page rolls back
        _send(session, staff, now, north, pasta, 11)
    assert session.scalar(select(func.count(StockTransfer.id))) == 0
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 10
    with pytest.raises(InvalidData, match="autre site"):
        send_transfer(
            session,
            staff.id,
            now,
            now.date(),
            TransferRequest(north.id, north.id, ((pasta.id, 1),)),
        )
    transfer = _send(session, staff, now, north, pasta, 2)
    with pytest.raises(InvalidData, match="entre 0 et 2"):
        receive_transfer(session, staff.id, now, transfer, {transfer.lines[0].id: 3})


def test_the_pages_send_and_receive(client, login, session, staff, now, north, pasta):
    give_sites(session, staff.id, [FIRST_SITE_ID, north.id])
    session.commit()
    login(staff.username)
    page = client.get("/stock/transferts")
    assert "Antenne Nord" in page_text(page)
    token = csrf_token_from(page.get_data(as_text=True))
    sent = client.post(
        "/stock/transferts",
        data={
            "csrf_token": token,
            "to_site": str(north.id),
            "product_0": str(pasta.id),
            "quantity_0": "5",
            "note": "Renfort",
        },
        follow_redirects=True,
    )
    assert "envoyé : en transit" in page_text(sent)
    transfer = session.scalar(select(StockTransfer))
    refused = client.post(
        "/stock/transferts",
        data={
            "csrf_token": token,
            "to_site": str(north.id),
            "product_0": str(pasta.id),
            "quantity_0": "abc",
        },
        follow_redirects=True,
    )
    assert "Pâtes" in page_text(refused) and refused.status_code == 200
    assert session.scalar(select(func.count(StockTransfer.id))) == 1
    url = f"/stock/transferts/{transfer.id}"
    assert client.post(url, data={"csrf_token": token}).status_code == 403  # not at NORD
    with client.session_transaction() as cookie:
        cookie["site_id"] = north.id  # the person now works at the antenna
    line_ids = [line.id for line in transfer.lines]
    received = client.post(
        url,
        data={"csrf_token": token, **{f"received_{i}": "1" for i in line_ids[:1]}},
        follow_redirects=True,
    )
    assert "Transfert reçu, avec 1 écart(s)." in page_text(received)
    assert stock_on_hand(session, pasta.id, north.id) == 5 - (transfer.lines[0].quantity - 1)


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity_0": "²"},
        {"quantity_0": "-5"},
        {"quantity_0": "1e9"},
        {"quantity_0": "99999999999999999999"},
        {"quantity_0": "=1+1"},
        {"product_0": "abc"},
        {"product_0": "99999999999999999999"},
        {"to_site": "abc"},
        {"to_site": "99999"},
        {"to_site": "1"},  # the site it leaves from
        {"to_site": ""},
        {"product_0": "", "quantity_0": ""},  # nothing to send
        {"note": "x" * 10_000},
    ],
)
def test_a_bad_value_on_the_sending_page_is_one_french_refusal(
    client, login, session, staff, north, pasta, changes
):
    login(staff.username)
    token = csrf_token_from(client.get("/stock/transferts").get_data(as_text=True))
    data = {"csrf_token": token, "to_site": str(north.id), "product_0": str(pasta.id)}
    data |= {"quantity_0": "2", **changes}
    answer = client.post("/stock/transferts", data=data, follow_redirects=True)
    assert answer.status_code == 200
    if "note" in changes:  # a long note is cut to its 200 characters, the goods leave
        assert len(session.scalar(select(StockTransfer.note))) == 200
        return
    assert 'class="message message-error"' in answer.get_data(as_text=True), changes
    assert session.scalar(select(func.count(StockTransfer.id))) == 0
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 10


@pytest.mark.parametrize("typed", ["²", "-1", "1e9", "99999999999999999999", "abc", "3"])
def test_a_bad_quantity_received_is_refused_and_nothing_enters(
    client, login, session, staff, now, north, pasta, typed
):
    transfer = _send(session, staff, now, north, pasta, 2)
    give_sites(session, staff.id, [FIRST_SITE_ID, north.id])
    session.commit()
    login(staff.username)
    with client.session_transaction() as cookie:
        cookie["site_id"] = north.id
    url = f"/stock/transferts/{transfer.id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    line = transfer.lines[0]
    answer = client.post(
        url, data={"csrf_token": token, f"received_{line.id}": typed}, follow_redirects=True
    )
    assert answer.status_code == 200
    assert 'class="message message-error"' in answer.get_data(as_text=True)
    assert stock_on_hand(session, pasta.id, north.id) == 0
    session.refresh(transfer)
    assert transfer.status == TransferStatus.IN_TRANSIT
