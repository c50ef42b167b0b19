"""A4 sticker sheets (millimetres, origin at the sheet's top left) and thermal rolls."""

from __future__ import annotations

from dataclasses import dataclass

A4_WIDTH, A4_HEIGHT = 210.0, 297.0


@dataclass(frozen=True)
class SheetLayout:
    key: str
    label: str
    columns: int
    rows: int
    width: float  # one label
    height: float
    left: float  # margin to the first column
    top: float  # margin to the first row
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def cell(self, position: int) -> tuple[float, float]:
        """Top-left corner (mm from the sheet's top left) of the 1-based position, row by row."""
        index = (position - 1) % self.per_sheet
        row, column = divmod(index, self.columns)
        return (
            self.left + column * (self.width + self.gap_x),
            self.top + row * (self.height + self.gap_y),
        )


LAYOUTS = {
    layout.key: layout
    for layout in (
        SheetLayout("3x8", "3 × 8 — 70 × 37 mm (planche 24 étiquettes)", 3, 8, 70, 37, 0, 0.5),
        SheetLayout("3x7", "3 × 7 — 70 × 42,3 mm (planche 21 étiquettes)", 3, 7, 70, 42.3, 0, 0.45),
        SheetLayout(
            "2x7",
            "2 × 7 — 99,1 × 38,1 mm (planche 14 étiquettes)",
            2,
            7,
            99.1,
            38.1,
            4.65,
            15.15,
            2.5,
            0,
        ),
        SheetLayout(
            "4x10",
            "4 × 10 — 48,5 × 25,4 mm (planche 40 étiquettes)",
            4,
            10,
            48.5,
            25.4,
            8,
            21.5,
            0,
            0,
        ),
    )
}
DEFAULT_LAYOUT = "3x8"
