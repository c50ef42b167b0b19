"""Spreadsheet exports that cannot carry a formula (CSV injection).

A cell typed by someone (a product name, a supplier, a category) that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run as a formula by a spreadsheet opening the
CSV (``=HYPERLINK(...)``, ``=cmd|...``). Every CSV export writes through ``csv_writer``, which
puts an apostrophe before such a cell, unless it is a plain number ("-2,50", "-1 250 €"); every
XLSX export stores text cells as text, never as formulas (``text_only``).
"""

from __future__ import annotations

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(
    r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:[\u00a0\u202f ][0-9]{3})+)(?:[.,][0-9]+)?"
    r"(?:[\u00a0\u202f ]?(?:€|kg|%|h))?$"
)


def neutralise(value):
    """The cell as a spreadsheet must show it: text that would start a formula is quoted."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


class _NeutralisingWriter:
    def __init__(self, writer) -> None:
        self._writer = writer

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options):
    """``csv.writer`` (semicolons, CRLF unless told) whose cells are neutralised."""
    options.setdefault("delimiter", ";")
    options.setdefault("lineterminator", "\r\n")
    return _NeutralisingWriter(csv.writer(out, **options))


def text_only(row) -> None:
    """openpyxl stores a string beginning with "=" as a formula: make each such cell text."""
    for cell in row:
        if cell.data_type == "f":
            cell.data_type = "s"
