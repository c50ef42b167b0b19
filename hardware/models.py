"""Printer models: which python-escpos profile, how many columns, which code page in which slot.

The slot numbers of ``ESC t n`` differ between brands (CP858 is 19 on Epson, 53 on the common
POS-5890 clones), so each model pins its own. Text is encoded by us in that code page: é è à ç ù
ô and € print right; characters no common page has get the fallbacks below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterModel:
    key: str
    label: str
    escpos_profile: str
    columns: int
    codec: str  # Python codec name of the code page
    code_page_slot: int  # n of ESC t n on this model
    can_cut: bool


MODELS = {
    model.key: model
    for model in (
        PrinterModel("epson-tm-t20ii", "Epson TM-T20II (80 mm)", "TM-T20II", 48, "cp858", 19, True),
        PrinterModel("epson-tm-t88v", "Epson TM-T88V (80 mm)", "TM-T88V", 48, "cp858", 19, True),
        PrinterModel(
            "generic-80mm-42",
            "Imprimante 80 mm, 42 colonnes",
            "TM-T20II-42col",
            42,
            "cp858",
            19,
            True,
        ),
        PrinterModel("pos-5890", "POS-5890 et clones (58 mm)", "POS-5890", 32, "cp858", 53, False),
    )
}
DEFAULT_MODEL = "epson-tm-t20ii"

# No common code page has these: documented replacements.
FALLBACKS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "Oe",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "·": ".",
    }
)


def printable(text: str, codec: str) -> str:
    """Replace what the code page cannot print (œ → oe, typographic quotes → plain…)."""
    replaced = text.translate(FALLBACKS)
    return replaced.encode(codec, errors="replace").decode(codec)
