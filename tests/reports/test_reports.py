"""Each report on a small hand-made data set whose totals are known (both databases), and the
contents of its exports."""

import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.clock import SHOP_TIMEZONE
from app.sites.models import FIRST_SITE_ID
from app.users.roles import Role
from inventory.models import LotOrigin, MovementKind, Product, StockUnit
from inventory.services.ledger import MovementContext, append_movement
from participants.households.records import HouseholdData, MemberData, create_household
from participants.households.rights import RightRequest, decide_right, request_right
from participants.models import Kinship, ReferringBody, Sex
from pos.models import PaymentMethod, Till
from pos.services.basket import PaymentRequest, SaleRequest
from pos.services.pricing import price_line
from pos.services.refunds import RefundRequest, record_refund
from pos.services.sales import record_sale
from pos.services.sessions import close_session, open_session
from reports.food_aid import food_aid_report
from reports.periods import period_of
from reports.sales import sales_report
from reports.tables import Kg, Money, text, to_csv, to_xlsx
from tests.conftest import sale_line

NOVEMBER = period_of("mois", date(2026, 11, 15))
CASH, CARD = PaymentMethod.CASH, PaymentMethod.CARD


def at(day: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHOP_TIMEZONE)


def cells(report, title):
    table = next(t for t in report.tables if t.title == title)
    return [[text(c) for c in row] for row in table.rows + ([table.total] if table.total else [])]


@pytest.fixture
def shop(session, make_user, make_product, receive, staff):
    """Rice (Banque Alimentaire, valued 2,00 € a packet), tomatoes (jardin, 3,20 €/kg), a
    household of three with a 20 % right, and a till."""
    cashier = make_user(
        Role.ENCADRANT,
        username="karim7",
        display_name="Karim",
        badge_code="0410000000021",
        pin="2468",
    )
    rice = make_product("Riz 1 kg", 250, net_content=1000, category="Épicerie salée")
    tomatoes = make_product("Tomates", 320, StockUnit.KILOGRAM, category="Fruits et légumes")
    rice_lot = receive(
        rice,
        100,
        LotOrigin.BANQUE_ALIMENTAIRE,
        at=at(1, 10),
        best_before=date(2027, 6, 1),
        reference_value_cents=20_000,
    )
    receive(
        tomatoes,
        10_000,
        LotOrigin.JARDIN,
        at=at(1, 10),
        use_by=date(2027, 1, 1),
        reference_value_cents=3_200,
    )
    referent = make_user(Role.REFERENT, username="sophie")
    household = create_household(
        session,
        referent.id,
        at(1, 10),
        HouseholdData(
            "Foyer Diallo",
            ReferringBody.CCAS,
            "M. Colin",
            100_000,
            70_000,
            members=(
                MemberData("Fatou", 1985, Sex.FEMALE, Kinship.REFERENCE),
                MemberData("Moussa", 2020, Sex.MALE, Kinship.CHILD),
                MemberData("Awa", 1950, Sex.FEMALE, Kinship.OTHER),
            ),
        ),
    )
    right = request_right(
        session,
        referent.id,
        at(1, 10),
        household,
        RightRequest(date(2026, 10, 1), 6, 2000, 50_000, "Demande"),
    )
    decide_right(session, referent.id, at(1, 10), right, grant=True)
    till = Till(code="C1", name="Caisse 1", is_active=True)
    session.add(till)
    session.flush()
    return cashier, rice, tomatoes, rice_lot, household, till


def day_at_till(session, cashier, till, moment, baskets, counted_cash_delta=0, reason=None):
    cash_session = open_session(session, till, cashier, moment, {})
    sales = []
    for lines, method, card in baskets:
        # What the till's screen shows: the household pays 20 % of each line.
        total = sum(
            price_line(
                session.get(Product, line.product_id), line.quantity, 2000 if card else None
            ).amount_cents
            for line in lines
        )
        sale, _ = record_sale(
            session,
            cashier,
            moment,
            moment.date(),
            SaleRequest(
                str(uuid.uuid4()),
                "C1",
                tuple(lines),
                (PaymentRequest(method, total),),
                total,
                card_code=card,
            ),
        )
        sales.append(sale)
    expected = sum(s.total_cents for s in sales if s.payments[0].method == CASH)
    card_total = sum(s.total_cents for s in sales if s.payments[0].method == CARD)
    close_session(
        session,
        cash_session,
        cashier,
        moment + timedelta(hours=6),
        {"cash": expected + counted_cash_delta, "card": card_total, "cheque": 0},
        reason,
    )
    return sales


@pytest.fixture
def november(session, shop, approve):
    cashier, rice, tomatoes, rice_lot, household, till = shop
    card = household.card_code
    # October: outside the period.
    day_at_till(session, cashier, till, at(20, 10), [([sale_line(rice.id, 4)], CASH, card)])
    # 10/11: 2 rice + 1,5 kg tomatoes for the household (value 9,80 €, pays 1,96 €).
    day_at_till(
        session,
        cashier,
        till,
        at(10),
        [([sale_line(rice.id, 2), sale_line(tomatoes.id, 1500)], CASH, card)],
        counted_cash_delta=-100,
        reason="Erreur de rendu",
    )
    # 15/11: a public sale in cash, refunded in cash the same day (back on the shelf).
    public = day_at_till(session, cashier, till, at(15), [([sale_line(rice.id, 1)], CASH, None)])[0]
    refund_session = open_session(session, till, cashier, at(15, hour=17), {"500": 1})
    record_refund(
        session,
        cashier,
        at(15, hour=17),
        date(2026, 11, 15),
        RefundRequest(
            str(uuid.uuid4()),
            "C1",
            f"C1-{public.number:06d}",
            ((public.lines[0].id, 1),),
            True,
            approve(cashier, "refund", at=at(15, hour=17), ticket=f"C1-{public.number:06d}"),
            CASH,
        ),
    )
    close_session(
        session,
        refund_session,
        cashier,
        at(15, hour=18),
        {"cash": 250, "card": 0, "cheque": 0},
        None,
    )
    # 20/11: 1 rice for the household (value 2,50 €, pays 0,50 €).
    day_at_till(session, cashier, till, at(20), [([sale_line(rice.id, 1)], CASH, card)])
    # 25/11: 5 packets of rice destroyed (value 2,00 € each).
    append_movement(
        session,
        rice_lot,
        MovementKind.EXPIRED_DESTROYED,
        -5,
        MovementContext(cashier.id, at(25), "test", site_id=FIRST_SITE_ID),
    )
    session.flush()
    return shop


def test_food_aid_report(session, november):
    report = food_aid_report(session, NOVEMBER)
    assert cells(report, "Foyers et passages") == [
        ["Foyers différents", "1"],
        ["Personnes dans ces foyers", "3"],
        ["Passages en caisse", "2"],
    ]
    assert cells(report, "Personnes des foyers venus, par âge et sexe") == [
        ["0-3 ans", "0", "0", "0", "0"],
        ["4-14 ans", "0", "1", "0", "1"],
        ["15-25 ans", "0", "0", "0", "0"],
        ["26-64 ans", "1", "0", "0", "1"],
        ["65 ans et plus", "1", "0", "0", "1"],
        ["Total", "2", "1", "0", "3"],
    ]
    assert cells(report, "Montants") == [
        ["Valeur des produits (prix de référence)", "12,30\xa0€"],
        ["Payé par les foyers", "2,46\xa0€"],
        ["Aide apportée (valeur − payé)", "9,84\xa0€"],
    ]
    # Rice: 2 + 1 + 1 (public) − 1 (returned) = 3 packets = 3 kg, 6,00 €; tomatoes 1,5 kg,
    # 4,80 € (the lot's value: 32,00 € for 10 kg).
    assert cells(report, "Distribué par origine") == [
        ["Banque Alimentaire", "3,000 kg", "6,00\xa0€"],
        ["Jardin", "1,500 kg", "4,80\xa0€"],
        ["Total", "4,500 kg", "10,80\xa0€"],
    ]
    assert cells(report, "Distribué par catégorie")[-1] == ["Total", "4,500 kg", "10,80\xa0€"]
    assert cells(report, "Pertes par origine") == [
        ["Banque Alimentaire", "Périmés", "5,000 kg", "10,00\xa0€"],
        ["Total", "", "5,000 kg", "10,00\xa0€"],
    ]


def test_sales_report(session, november):
    report = sales_report(session, NOVEMBER)
    assert cells(report, "Ventes et remboursements") == [
        ["Ventes", "3", "4,96\xa0€"],
        ["Remboursements", "1", "-2,50\xa0€"],
        ["Total encaissé", "4", "2,46\xa0€"],
    ]
    assert cells(report, "Par moyen de paiement") == [
        ["Espèces", "2,46\xa0€"],
        ["Total", "2,46\xa0€"],
    ]
    assert cells(report, "Par taux de TVA") == [["5,5 %", "2,46\xa0€"], ["Total", "2,46\xa0€"]]
    assert cells(report, "Par catégorie") == [
        ["Épicerie salée", "7,50\xa0€", "1,50\xa0€"],
        ["Fruits et légumes", "4,80\xa0€", "0,96\xa0€"],
        ["Total", "12,30\xa0€", "2,46\xa0€"],
    ]
    assert cells(report, "Par caisse") == [
        ["Caisse 1", "4", "2,46\xa0€"],
        ["Total", "4", "2,46\xa0€"],
    ]
    assert cells(report, "Par opérateur·rice")[0] == ["Karim", "4", "2,46\xa0€"]
    assert cells(report, "Écarts de caisse à la clôture") == [
        ["10/11/2026", "Caisse 1", "-1,00\xa0€", "Erreur de rendu"],
        ["Total", "", "-1,00\xa0€", ""],
    ]


def test_exports_carry_the_same_figures(session, november):
    from openpyxl import load_workbook

    report = food_aid_report(session, NOVEMBER)
    csv_text = to_csv(report).decode("utf-8-sig")
    assert "Banque Alimentaire;3,000 kg;6,00 €" in csv_text
    assert csv_text.startswith("Aide alimentaire (épicerie);novembre 2026")
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = book["4. Distribué par origine"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("Banque Alimentaire", 3, 6)
    assert rows[-1] == ("Total", Decimal("4.5"), Decimal("10.8")) or rows[-1] == (
        "Total",
        4.5,
        10.8,
    )
    assert sheet.cell(3, 3).number_format == '#,##0.00 "€"'


def test_report_pages_and_downloads(client, login, make_user, session, november):
    from tests.conftest import page_text

    make_user(Role.ADMIN, username="direction")
    login("direction")
    page = client.get("/rapports/aide-alimentaire?periode=mois&date=2026-11-15")
    assert page.status_code == 200
    text_ = page_text(page)
    assert "Aide alimentaire (épicerie) — novembre 2026" in text_
    assert "Foyer Diallo" not in text_ and "Fatou" not in text_  # never a person
    assert "<svg" in page.get_data(as_text=True)
    for output, mimetype in (
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        download = client.get(f"/rapports/ventes?periode=mois&date=2026-11-15&format={output}")
        assert download.mimetype == mimetype and download.data
    printable = client.get("/rapports/ventes?periode=annee&date=2026-11-15&format=imprimer")
    assert "Ventes — année 2026" in page_text(printable)
    assert client.get("/rapports/inconnu").status_code == 404


def test_tables_format_cells():
    assert text(Kg(1_234_500)) == "1\u202f234,500 kg"
    assert text(Money(-250)) == "-2,50\xa0€"
