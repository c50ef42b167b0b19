"""A report is titled tables of typed cells (money, weights, counts, percentages) plus charts;
the same tables give the page, the CSV, the XLSX and the print version."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup

from app.exports import csv_writer, text_only
from app.money import format_cents


@dataclass(frozen=True)
class Money:
    cents: int


@dataclass(frozen=True)
class Kg:
    grams: int


@dataclass(frozen=True)
class Hours:
    minutes: int


@dataclass(frozen=True)
class Percent:
    tenths: int | None  # 233 = 23,3 %


def percent_of(part: int, whole: int) -> Percent:
    """part / whole in tenths of a percent, rounded half up (integers only)."""
    if not whole:
        return Percent(None)
    return Percent((part * 2000 + whole) // (whole * 2))


Cell = str | int | Money | Kg | Hours | Percent | None


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None


@dataclass
class Report:
    key: str
    title: str
    period: str
    tables: list[Table]
    charts: list[Markup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def text(cell: Cell) -> str:
    """French display: 1 234,50 €, 12,345 kg, 9 h 30, 23,3 %."""
    if cell is None:
        return ""
    if isinstance(cell, Money):
        return format_cents(cell.cents)
    if isinstance(cell, Kg):
        kilos, grams = divmod(abs(cell.grams), 1000)
        sign = "-" if cell.grams < 0 else ""
        return f"{sign}{kilos:,}".replace(",", "\u202f") + f",{grams:03d} kg"
    if isinstance(cell, Hours):
        hours, minutes = divmod(cell.minutes, 60)
        return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"
    if isinstance(cell, Percent):
        return "—" if cell.tenths is None else f"{cell.tenths // 10},{cell.tenths % 10} %"
    if isinstance(cell, int):
        return f"{cell:,}".replace(",", "\u202f")
    return str(cell)


def is_number(cell: Cell) -> bool:
    return isinstance(cell, int | Money | Kg | Hours | Percent)


def to_csv(report: Report) -> bytes:
    """One CSV for the whole report (semicolons, UTF-8 with BOM: Excel opens it in French)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([report.title, report.period])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows + ([table.total] if table.total else []):
            writer.writerow(
                [text(cell).replace("\u202f", "").replace("\u00a0", " ") for cell in row]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(cell: Cell):
    if isinstance(cell, Money):
        return Decimal(cell.cents) / 100, '#,##0.00 "€"'
    if isinstance(cell, Kg):
        return Decimal(cell.grams) / 1000, '#,##0.000 "kg"'
    if isinstance(cell, Hours):
        return Decimal(cell.minutes) / 60, '0.00 "h"'
    if isinstance(cell, Percent):
        return (None if cell.tenths is None else Decimal(cell.tenths) / 1000), "0.0 %"
    return cell, None


def to_xlsx(report: Report) -> bytes:
    """One sheet per table, numbers as numbers (exact decimals) with their French format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for index, table in enumerate(report.tables, start=1):
        sheet = book.create_sheet(f"{index}. {table.title}"[:31].replace("/", "-"))
        sheet.append([report.title, report.period])
        sheet.append(table.headers)
        text_only(sheet[1])
        text_only(sheet[2])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows + ([table.total] if table.total else []):
            values = [_xlsx_value(cell) for cell in row]
            sheet.append([value for value, _ in values])
            text_only(sheet[sheet.max_row])
            for cell, (_, number_format) in zip(sheet[sheet.max_row], values, strict=True):
                if number_format:
                    cell.number_format = number_format
        if table.total:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(
                12, min(48, max(len(str(c.value or "")) for c in column) + 2)
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
