"""Labels on a thermal receipt printer (58 or 80 mm roll): text in the pinned code page and the
printer's own barcode command, one label after the other with a cut (or a gap) between."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from hardware.models import PrinterModel
from hardware.receipt import _Writer

STYLES = {
    "small": {"bold": False, "normal_textsize": True},
    "normal": {"bold": False, "normal_textsize": True},
    "title": {"bold": True, "normal_textsize": True},
    "big": {"bold": True, "double_height": True, "double_width": True},
}


@dataclass(frozen=True)
class RollLabel:
    lines: tuple[tuple[str, str, bool], ...]  # (text, size, bold)
    barcode: tuple[str, str] | None = None  # ("ean13" | "code128", code)


def _ean13_ok(code: str) -> bool:
    if len(code) != 13 or not code.isdigit():
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


def render_label_roll(labels: list[RollLabel], model: PrinterModel) -> bytes:
    out = _Writer(model)
    for index, label in enumerate(labels):
        out.style(align="left", bold=False, normal_textsize=True)
        for text, size, bold in label.lines:
            settings = dict(STYLES[size])
            settings["bold"] = settings["bold"] or bold
            out.style(**settings)
            out.line(text)
        out.style(align="center", bold=False, normal_textsize=True)
        if label.barcode:
            symbology, code = label.barcode
            # python-escpos prints a line on stdout here; keep it off the server's output.
            with contextlib.redirect_stdout(io.StringIO()):
                if symbology == "ean13":
                    if not _ean13_ok(code):  # the library does not check it
                        raise ValueError(f"EAN-13 {code}: wrong check digit")
                    out.printer.barcode(
                        code, "EAN13", function_type="B", height=64, width=3, pos="BELOW"
                    )
                else:
                    out.printer.barcode(
                        "{B" + code, "CODE128", function_type="B", pos="BELOW", height=64, width=2
                    )
        if index < len(labels) - 1:
            out.printer._raw(b"\n\n")
            if model.can_cut:
                out.printer.cut(mode="PART")
            else:
                out.rule()
    return out.finish(cut=True)
