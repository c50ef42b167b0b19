"""Labels for the thermal printer: the same lines as the sheets, in ESC/POS."""

from __future__ import annotations

from hardware.label_roll import RollLabel, render_label_roll
from hardware.models import PrinterModel
from labels.content import Label
from labels.lines import label_lines


def render_roll(labels: list[Label], model: PrinterModel) -> bytes:
    blocks = []
    for label in labels:
        lines, barcode = label_lines(label)
        blocks.append(
            RollLabel(
                tuple((line.text, line.size, line.bold) for line in lines),
                (barcode.symbology, barcode.code) if barcode else None,
            )
        )
    return render_label_roll(blocks, model)
