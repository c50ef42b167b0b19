"""Rendering helpers: a PDF page as a 300 dpi image, each cell decoded on its own."""

import pypdfium2
import pytest
import zxingcpp

from labels.layouts import SheetLayout

DPI = 300


def page_images(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=DPI / 72).to_pil() for i in range(len(document))]
    finally:
        document.close()


def decode_cell(image, layout: SheetLayout, position: int) -> list[str]:
    """What an independent decoder reads inside one label's cell only."""
    left, top = layout.cell(position)
    px = DPI / 25.4
    box = (
        int(left * px),
        int(top * px),
        int((left + layout.width) * px),
        int((top + layout.height) * px),
    )
    # At the printed resolution only: zxing's extra pass on a downscaled copy can misread a
    # sharp EAN-13 into another valid one (seen once in 300: 0425587588220 → 0424487528220).
    return sorted(
        result.text for result in zxingcpp.read_barcodes(image.crop(box), try_downscale=False)
    )


@pytest.fixture
def scale_products(make_product):
    """Products with an in-store scale code (weight rule 21…, price rule 23…)."""
    from inventory.models import StockUnit

    tomatoes = make_product(
        "Tomates du jardin", 320, StockUnit.KILOGRAM, barcodes=["2100005000000"]
    )
    herbs = make_product("Persil", 1200, StockUnit.KILOGRAM, barcodes=["2305000000004"])
    return tomatoes, herbs
