"""Every template on every A4 sheet: each barcode reads back, in its own cell."""

from datetime import date

import pytest

from labels.content import (
    WARRANTY_TEXT,
    Barcode,
    BarcodeSticker,
    CardLabel,
    ItemTag,
    ShelfLabel,
    WeighedLabel,
)
from labels.layouts import LAYOUTS
from labels.pdf import cell_of, render_sheets
from tests.labels.conftest import decode_cell, page_images

LABELS = [
    ShelfLabel(
        "Riz long grain 1 kg, sachet cuisson",
        "1,89 €",
        "1,89 € / kg",
        "Adhérent·es (20 %) : 0,38 €",
        "Banque Alimentaire",
        Barcode("ean13", "3560070048830"),
    ),
    BarcodeSticker("Lait demi-écrémé 1 l", "1,05 €", Barcode("ean13", "3428272950040")),
    WeighedLabel(
        "Tomates du jardin",
        "1,250 kg",
        "4,00 €",
        "3,20 € / kg",
        "24/11/2026",
        "À consommer jusqu'au",
        "28/11/2026",
        Barcode("ean13", "2100005012508"),
        400,
        1250,
        "Jardin du CCAS",
    ),
    ItemTag(
        "R000123",
        "Gros électroménager",
        "Lave-linge Bosch 7 kg",
        "120,00 €",
        WARRANTY_TEXT,
        Barcode("code128", "R000123"),
    ),
    CardLabel(
        "Foyer Martin",
        "Valable jusqu'au 28/02/2027",
        Barcode("ean13", "0420000000013"),
        "Épicerie solidaire Les Quatre Saisons",
    ),
]


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
def test_every_barcode_reads_back_in_its_cell(layout_key):
    layout = LAYOUTS[layout_key]
    start = layout.per_sheet - 2  # a partly used sheet: the last three cells, then a new page
    pdf = render_sheets(LABELS, layout, start)
    pages = page_images(pdf)
    assert len(pages) == 2
    for index, label in enumerate(LABELS):
        page, position = cell_of(index, layout, start)
        assert decode_cell(pages[page], layout, position) == [label.barcode.code], (
            f"{type(label).__name__} in cell {position} of page {page + 1}"
        )
    # The cells before the start position stay blank (the sheet is reused).
    assert decode_cell(pages[0], layout, 1) == []


def test_a_start_position_outside_the_sheet_is_refused():
    with pytest.raises(ValueError):
        render_sheets(LABELS, LAYOUTS["3x8"], 25)


def test_quiet_zones_and_module_width():
    """The bars keep 11 modules free on the left of an EAN-13 and stay at a scannable width."""
    from reportlab.pdfgen.canvas import Canvas

    from labels.pdf import draw_barcode

    class Recorder(Canvas):
        rects: list = []

        def rect(self, x, y, width, height, stroke=1, fill=0):
            self.rects.append((x, width))

    canvas = Recorder("/dev/null")
    draw_barcode(canvas, Barcode("ean13", "3560070048830"), 10, 10, 44.5, 12)
    xs = sorted(canvas.rects)
    narrowest = min(width for _, width in xs) / 2.8346  # points → mm
    assert 0.264 <= narrowest <= 0.331
    left_quiet = xs[0][0] / 2.8346 - 10
    assert left_quiet >= 11 * narrowest - 0.01
    right_quiet = 10 + 44.5 - (xs[-1][0] + xs[-1][1]) / 2.8346
    assert right_quiet >= 7 * narrowest - 0.01


def test_thermal_roll_bytes(scale_products, session):
    from hardware.models import MODELS
    from labels.thermal import render_roll
    from tests.hardware.escpos_decoder import decode

    data = render_roll(LABELS[2:4], MODELS["epson-tm-t20ii"])
    decoded = decode(data)
    assert decoded.barcodes == ["2100005012508", "{BR000123"]
    assert "Prix à payer 4,00 €" in decoded.text and "Prix au kg : 3,20 € / kg" in decoded.text
    assert decoded.cuts == 2  # between the labels, and after the last
    # A 58 mm clone has no barcode command in its profile: python-escpos draws it as an image.
    small = decode(render_roll(LABELS[2:3], MODELS["pos-5890"]))
    assert small.images == 1 and "Tomates du jardin" in small.text


def test_dates_on_a_weighed_label(scale_products, session):
    from labels.services import WeighedRequest, weighed_labels

    tomatoes, _herbs = scale_products
    label = weighed_labels(
        session, WeighedRequest(tomatoes.id, 85, date(2026, 11, 24), use_by=date(2026, 11, 28))
    )[0]
    assert (label.net_weight, label.date_label, label.date) == (
        "85 g",
        "À consommer jusqu'au",
        "28/11/2026",
    )
