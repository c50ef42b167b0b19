"""Sales made while the till had no server, received later: recorded once, as made (prices and
rate of the till, its offline ticket number), never refused for a rule checked too late —
flagged for an encadrant·e's review — with both times in the journal."""

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.sites.models import FIRST_SITE_ID
from inventory.services.ledger import stock_on_hand
from pos.errors import NotFound
from pos.journal.verify import verify_journal
from pos.models import FlagKind, JournalEntry, PaymentMethod, Sale, SaleFlag, Till
from pos.services.basket import LineRequest, PaymentRequest, SaleRequest
from pos.services.documents import offline_series
from pos.services.offline import OfflineInfo, record_offline_sale
from pos.services.sessions import close_session
from tests.pos.conftest import TODAY, sell

CASH = PaymentMethod.CASH


def _offline(session, cashier, now, lines, paid, total, *, made_minutes_ago=90, **info):
    fields = {k: info.pop(k) for k in ("card_code", "uuid", "till_code") if k in info}
    request = SaleRequest(
        uuid=fields.get("uuid", str(uuid.uuid4())),
        till_code=fields.get("till_code", "C1"),
        lines=tuple(lines),
        payments=(PaymentRequest(CASH, paid),),
        expected_total_cents=total,
        card_code=fields.get("card_code"),
    )
    made = OfflineInfo(made_at=now - timedelta(minutes=made_minutes_ago), **info)
    return record_offline_sale(session, cashier, now, TODAY, request, made)


def _flags(session, sale) -> list[tuple[FlagKind, str]]:
    return [
        (f.kind, f.message)
        for f in session.scalars(select(SaleFlag).where(SaleFlag.sale_id == sale.id))
    ]


def test_recorded_once_in_the_offline_series_with_both_times(
    session, open_till, cashier, now, pasta
):
    sale, created = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=2)],
        500,
        218,
        number=1,
        unit_prices=(109,),
        uuid="5b0f6a52-3d0e-4c55-9b0b-1f0c7b8f0a01",
    )
    assert created and sale.number == 1 and sale.change_cents == 282
    series = session.get(Till, sale.till_id)
    assert series.code == "C1H" and series.offline_of_id == open_till.till_id
    assert sale.session_id == open_till.id  # the till's own session counts it
    assert sale.made_at == now - timedelta(minutes=90) and sale.created_at == now
    assert stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 48
    again, created = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=2)],
        500,
        218,
        number=1,
        uuid="5b0f6a52-3d0e-4c55-9b0b-1f0c7b8f0a01",
    )
    assert (
        not created
        and again.id == sale.id
        and stock_on_hand(session, pasta.id, FIRST_SITE_ID) == 48
    )
    entry = session.scalar(select(JournalEntry).where(JournalEntry.reference == "C1H-000001"))
    payload = json.loads(entry.payload)["sale"]
    assert payload["offline"] is True and payload["made_at"].startswith(
        (now - timedelta(minutes=90)).astimezone().date().isoformat()[:4]
    )
    assert _flags(session, sale) == []
    assert verify_journal(session).ok


def test_a_sale_sent_online_without_answer_then_offline_is_one_sale(
    session, open_till, cashier, now, pasta
):
    online, _ = sell(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=1)],
        [PaymentRequest(CASH, 109)],
        109,
        uuid="5b0f6a52-3d0e-4c55-9b0b-1f0c7b8f0a02",
    )
    again, created = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=1)],
        109,
        109,
        uuid="5b0f6a52-3d0e-4c55-9b0b-1f0c7b8f0a02",
    )
    assert not created and again.id == online.id


def test_rules_broken_offline_are_flagged_never_refused(
    session, open_till, cashier, now, make_product, receive, household
):
    oil = make_product("Huile", 250, per_visit_limit=1)
    receive(oil, 2)
    # The till's cached card: 20 %; its cached price: 2,00 € (the catalogue says 2,50 €); the
    # household's month allows 20 €: 50 bottles is far over, and over the stock.
    sale, created = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=oil.id, quantity=50)],
        2_000,
        2_000,
        card_code=household.card_code,
        rate_bp=2000,
        unit_prices=(200,),
        number=1,
    )
    assert created and sale.total_cents == 2_000 and sale.participation_rate_bp == 2000
    assert sale.lines[0].unit_price_cents == 200  # what the customer paid
    kinds = {kind for kind, _message in _flags(session, sale)}
    assert kinds == {FlagKind.PRICE, FlagKind.LIMITS, FlagKind.STOCK}
    assert stock_on_hand(session, oil.id, FIRST_SITE_ID) == -48
    # Over the month's amount: flagged too.
    second, _ = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=oil.id, quantity=1)],
        50_000,
        50_000,
        card_code=household.card_code,
        rate_bp=2000,
        unit_prices=(250_000,),
        number=2,
    )
    assert FlagKind.ALLOWANCE in {kind for kind, _m in _flags(session, second)}
    assert verify_journal(session).ok


def test_a_card_refused_meanwhile_and_a_number_already_taken(
    session, open_till, cashier, now, pasta
):
    first, _ = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=1)],
        87,
        87,
        card_code="0420000099999",
        rate_bp=8000,
        unit_prices=(109,),
        number=1,
    )
    assert first.participation_rate_bp == 8000 and first.total_cents == 87
    [(kind, message)] = _flags(session, first)
    assert kind == FlagKind.CARD and "Carte inconnue" in message
    # A second device of the same till gave number 1 too: renumbered, flagged.
    second, _ = _offline(
        session, cashier, now, [LineRequest(product_id=pasta.id, quantity=1)], 109, 109, number=1
    )
    assert second.number == 2
    [(kind, message)] = _flags(session, second)
    assert kind == FlagKind.NUMBER and "C1H-000001" in message and "C1H-000002" in message


def test_a_till_closed_before_its_sales_arrive(session, open_till, cashier, supervisor, now, pasta):
    close_session(
        session, open_till, supervisor, now, {"cash": 6_000, "card": 0, "cheque": 0}, None
    )
    sale, _ = _offline(
        session, cashier, now, [LineRequest(product_id=pasta.id, quantity=1)], 109, 109, number=1
    )
    assert sale.session_id == open_till.id
    assert [kind for kind, _m in _flags(session, sale)] == [FlagKind.SESSION]


def test_a_clock_ahead_and_a_series_code(session, open_till, cashier, now, pasta):
    ahead, _ = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=1)],
        109,
        109,
        made_minutes_ago=-30,  # the till's clock ran ahead: recorded, dated now, flagged
    )
    assert ahead.made_at == now and [k for k, _m in _flags(session, ahead)] == [FlagKind.CLOCK]
    offline_series(session, session.get(Till, open_till.till_id))
    with pytest.raises(NotFound, match="C1H"):  # a series is not a till one sells at
        _offline(
            session,
            cashier,
            now,
            [LineRequest(product_id=pasta.id, quantity=1)],
            109,
            109,
            till_code="C1H",
        )
    assert session.scalars(select(Sale.id)).all() == [ahead.id]


def test_the_review_page_lists_the_flags_until_seen(
    session, open_till, cashier, now, pasta, client, login, make_user
):
    from app.users.roles import Role
    from tests.conftest import csrf_token_from, page_text

    sale, _ = _offline(
        session,
        cashier,
        now,
        [LineRequest(product_id=pasta.id, quantity=1)],
        99,
        99,
        unit_prices=(99,),
        number=1,
    )
    [flag] = session.scalars(select(SaleFlag).where(SaleFlag.sale_id == sale.id)).all()
    make_user(Role.ENCADRANT, username="lea", password="encadrante-lea")
    login("lea", "encadrante-lea")
    page = client.get("/pos/admin/hors-ligne")
    text = page_text(page)
    assert (
        "C1H-000001" in text and "« Pâtes » vendu 0,99 € hors ligne, 1,09 € au catalogue." in text
    )
    done = client.post(
        "/pos/admin/hors-ligne",
        data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "flag_id": str(flag.id)},
        follow_redirects=True,
    )
    assert "1 signalement(s) marqué(s) comme vu(s)." in page_text(done)
    assert flag.reviewed_at is not None and "Rien à revoir" in page_text(done)
