"""An independent ESC/POS reader for tests (no python-escpos): text through code-page switches,
and the cut, drawer and barcode commands."""

from __future__ import annotations

from dataclasses import dataclass, field

SLOTS = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858", 53: "cp858"}
ARGUMENTS = {  # command byte after ESC / GS → number of argument bytes
    (0x1B, ord("!")): 1,
    (0x1B, ord("E")): 1,
    (0x1B, ord("a")): 1,
    (0x1B, ord("d")): 1,
    (0x1B, ord("-")): 1,
    (0x1B, ord("M")): 1,
    (0x1B, ord("G")): 1,
    (0x1B, ord("@")): 0,
    (0x1D, ord("!")): 1,
    (0x1D, ord("h")): 1,
    (0x1D, ord("w")): 1,
    (0x1D, ord("f")): 1,
    (0x1D, ord("H")): 1,
    (0x1D, ord("B")): 1,
    (0x1B, ord("{")): 1,
    (0x1B, ord("V")): 1,
    (0x1D, ord("b")): 1,
}


@dataclass
class Decoded:
    text: str = ""
    code_pages: list[str] = field(default_factory=list)
    cuts: int = 0
    drawer_kicks: int = 0
    barcodes: list[str] = field(default_factory=list)
    images: int = 0


def decode(data: bytes) -> Decoded:
    result = Decoded()
    codec = "cp437"
    text: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in (0x1B, 0x1D):
            command = data[i + 1]
            if (byte, command) == (0x1B, ord("t")):
                codec = SLOTS[data[i + 2]]
                result.code_pages.append(codec)
                i += 3
            elif (byte, command) == (0x1B, ord("p")):
                result.drawer_kicks += 1
                i += 5
            elif (byte, command) == (0x1D, ord("V")):
                result.cuts += 1
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
            elif (byte, command) == (0x1D, ord("v")):  # GS v 0: a raster image
                width = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                result.images += 1
                i += 8 + width * height
            elif (byte, command) == (0x1D, ord("k")):
                length = data[i + 3]
                result.barcodes.append(data[i + 4 : i + 4 + length].decode("ascii"))
                i += 4 + length
            else:
                i += 2 + ARGUMENTS[(byte, command)]
            continue
        if byte == 0x0A or byte >= 0x20:
            text.append(bytes([byte]).decode(codec))
        i += 1
    result.text = "".join(text)
    return result
