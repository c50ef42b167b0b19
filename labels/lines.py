"""Each label as lines of text (with a size) and at most one barcode: the PDF sheets and the
thermal rolls draw the same content."""

from __future__ import annotations

from dataclasses import dataclass

from labels.content import (
    Barcode,
    BarcodeSticker,
    CardLabel,
    ItemTag,
    Label,
    ShelfLabel,
    WeighedLabel,
)


@dataclass(frozen=True)
class Line:
    text: str
    size: str = "normal"  # "small", "normal", "title", "big"
    bold: bool = False
    optional: bool = False  # dropped first when the label is too small (never a legal mention)


def label_lines(label: Label) -> tuple[list[Line], Barcode | None]:
    if isinstance(label, ShelfLabel):
        lines = [Line(label.name, "title", True), Line(label.price, "big", True)]
        if label.unit_price:
            lines.append(
                Line(f"Prix au {label.unit_price.split(' / ')[1]} : {label.unit_price}", "normal")
            )
        if label.participation:
            lines.append(Line(label.participation, "normal", True, optional=True))
        if label.origin:
            lines.append(Line(f"Origine : {label.origin}", "small", optional=True))
        return lines, label.barcode
    if isinstance(label, BarcodeSticker):
        return [Line(label.name, "small", True), Line(label.price, "small")], label.barcode
    if isinstance(label, WeighedLabel):
        lines = [
            Line(label.name, "title", True),
            Line(f"Poids net {label.net_weight}", "normal", True),
            Line(f"Prix à payer {label.price}", "big", True),
            Line(f"Prix au kg : {label.unit_price}", "normal"),
            Line(f"Emballé le {label.packed_on} — {label.date_label} {label.date}", "small"),
        ]
        if label.origin:
            lines.append(Line(f"Origine : {label.origin}", "small", optional=True))
        return lines, label.barcode
    if isinstance(label, ItemTag):
        return [
            Line(f"{label.category} — n° {label.number}", "title", True),
            Line(label.description, "small", optional=True),
            Line(label.price, "big", True),
            Line(label.warranty, "small"),
        ], label.barcode
    if isinstance(label, CardLabel):
        return [
            Line(label.shop, "small", optional=True),
            Line(label.name, "title", True),
            Line(label.validity, "normal"),
        ], label.barcode
    raise TypeError(f"unknown label {label!r}")
