"""Labels on A4 sticker sheets, as PDF: text with reportlab, barcodes drawn as vectors by
python-barcode (through a writer that paints reportlab rectangles) at a module width that
scans, with their quiet zones inside the label."""

from __future__ import annotations

import io

from barcode import get_barcode_class
from barcode.writer import BaseWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from labels.content import Barcode, Label
from labels.layouts import A4_HEIGHT, SheetLayout
from labels.lines import Line, label_lines

PADDING = 2.0  # mm inside each label
POINTS = {"small": 6.0, "normal": 7.5, "title": 9.0, "big": 16.0}
# Module (narrowest bar) widths in mm: nominal EAN-13 is 0.33 mm; 80 % is the smallest that
# scanners are specified for. Code 128 goes down to 0.25 mm.
EAN_MODULE = (0.33, 0.264)
CODE128_MODULE = (0.33, 0.25)
EAN_QUIET = (11, 7)  # modules, left and right (GS1)
CODE128_QUIET = (10, 10)


class LabelDoesNotFit(Exception):
    pass


class ReportLabWriter(BaseWriter):
    """python-barcode computes the bars; we paint each one as a filled rectangle."""

    def __init__(self, canvas: Canvas, left_mm: float, top_mm: float) -> None:
        super().__init__(None, self._paint_module, None, lambda: None)
        self.canvas, self.left_mm, self.top_mm = canvas, left_mm, top_mm

    def _paint_module(self, xpos: float, ypos: float, width: float, color: str) -> None:
        if color != self.foreground:
            return
        x = self.left_mm + xpos
        y = A4_HEIGHT - (self.top_mm + ypos + self.module_height)
        self.canvas.rect(x * mm, y * mm, width * mm, self.module_height * mm, stroke=0, fill=1)


def draw_barcode(
    canvas: Canvas, barcode: Barcode, left: float, top: float, width: float, height: float
) -> float:
    """Bars and digits centred in the box (mm); returns the height used."""
    ean = barcode.symbology == "ean13"
    nominal, smallest = EAN_MODULE if ean else CODE128_MODULE
    quiet_left, quiet_right = EAN_QUIET if ean else CODE128_QUIET
    writer = ReportLabWriter(canvas, 0, top)
    symbol = get_barcode_class(barcode.symbology)(barcode.code, writer=writer)
    modules = len(symbol.build()[0])
    module = min(nominal, width / (modules + quiet_left + quiet_right))
    if module < smallest:
        raise LabelDoesNotFit(f"{barcode.code}: {width:.1f} mm is too narrow")
    text_height = 2.6
    bar_height = max(min(height - text_height, 22.0), 5.0)
    used = (modules + quiet_left + quiet_right) * module
    start = left + (width - used) / 2 + quiet_left * module
    writer.left_mm = start  # known once the bars are counted
    symbol.render(
        writer_options={
            "module_width": module,
            "module_height": bar_height,
            "quiet_zone": 0,
            "margin_top": 0,
            "write_text": False,
            "guard_height_factor": 1.0,
        }
    )
    canvas.setFont("Helvetica", 7)
    canvas.drawCentredString(
        (start + modules * module / 2) * mm, (A4_HEIGHT - top - bar_height - 2.4) * mm, barcode.code
    )
    return bar_height + text_height


ASCENT, DESCENT = 0.76, 0.22  # of the font size, Helvetica
MIN_BARCODE = 5.0 + 2.6  # bars and digits, mm


def _place(lines: list[Line], scale: float, width: float) -> list[tuple[str, float, str, float]]:
    """(font, size, text, baseline from the top in mm) for each printed line."""
    placed = []
    baseline = 0.0
    previous_descent = 0.0
    for line in lines:
        size = max(POINTS[line.size] * scale, 4.5)
        font = "Helvetica-Bold" if line.bold else "Helvetica"
        for part in simpleSplit(line.text, font, size, width * mm)[:2]:
            baseline += (previous_descent + ASCENT * size + 0.12 * size) / mm
            previous_descent = DESCENT * size
            placed.append((font, size, part, baseline))
    return placed


def _text_height(placed) -> float:
    return placed[-1][3] + DESCENT * placed[-1][1] / mm if placed else 0.0


def draw_label(
    canvas: Canvas, label: Label, left: float, top: float, width: float, height: float
) -> None:
    """Every required line, then the barcode in the room left; the text shrinks (then optional
    lines go) until both fit."""
    lines, barcode = label_lines(label)
    inner_left, inner_width = left + PADDING, width - 2 * PADDING
    room = height - 2 * PADDING - (MIN_BARCODE + 0.8 if barcode else 0)
    base = min(height / 37.0, width / 70.0, 1.3)
    placed = []
    for kept in (lines, [line for line in lines if not line.optional]):
        for step in range(8):
            placed = _place(kept, base * (1 - 0.08 * step), inner_width)
            if _text_height(placed) <= room:
                break
        if _text_height(placed) <= room:
            break
    else:
        raise LabelDoesNotFit(f"{label!r} does not fit in {width} × {height} mm")
    for font, size, text, baseline in placed:
        canvas.setFont(font, size)
        canvas.drawString(inner_left * mm, (A4_HEIGHT - top - PADDING - baseline) * mm, text)
    if barcode:
        used = _text_height(placed) + 0.8
        draw_barcode(
            canvas,
            barcode,
            inner_left,
            top + PADDING + used,
            inner_width,
            height - 2 * PADDING - used,
        )


def render_sheets(labels: list[Label], layout: SheetLayout, start_position: int = 1) -> bytes:
    """Labels placed from ``start_position`` (1 = top left) on, row by row, page after page."""
    if not 1 <= start_position <= layout.per_sheet:
        raise ValueError("start position outside the sheet")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle("Étiquettes")
    position = start_position
    for index, label in enumerate(labels):
        if index and position == 1:
            canvas.showPage()
        left, top = layout.cell(position)
        draw_label(canvas, label, left, top, layout.width, layout.height)
        position = position % layout.per_sheet + 1
    if not labels:
        canvas.drawString(20 * mm, 280 * mm, "Aucune étiquette.")
    canvas.save()
    return buffer.getvalue()


def cell_of(index: int, layout: SheetLayout, start_position: int) -> tuple[int, int]:
    """(page, 1-based position) of the index-th label (for tests and previews)."""
    absolute = start_position - 1 + index
    return absolute // layout.per_sheet, absolute % layout.per_sheet + 1


def preview_png(pdf: bytes, page: int = 0, dpi: int = 110) -> bytes:
    """The page as a PNG, for the browser's preview."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
