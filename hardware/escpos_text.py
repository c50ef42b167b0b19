"""Turn ESC/POS bytes back into readable text (for the simulator's job log)."""

from __future__ import annotations

# ESC t n slots → codecs, Epson numbering plus the POS-5890 clones' CP858 slot.
SLOT_CODECS = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858", 53: "cp858"}


def escpos_to_text(data: bytes) -> str:
    """Printable text with commands dropped; ``[COUPE]``, ``[TIROIR]``, ``[CODE-BARRES x]``."""
    codec = "cp437"
    out: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x1B and i + 1 < len(data):  # ESC
            command = data[i + 1]
            if command == ord("t"):
                codec = SLOT_CODECS.get(data[i + 2], codec)
                i += 3
            elif command == ord("p"):
                out.append("[TIROIR]\n")
                i += 5
            elif command in (ord("@"),):
                i += 2
            elif command == ord("d"):
                i += 3
            else:
                i += 3
            continue
        if byte == 0x1D and i + 1 < len(data):  # GS
            command = data[i + 1]
            if command == ord("V"):
                out.append("[COUPE]\n")
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
            elif command == ord("v"):  # GS v 0: a raster image (a barcode drawn as pixels)
                width = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                out.append("[IMAGE]\n")
                i += 8 + width * height
            elif command == ord("k"):
                length = data[i + 3]
                payload = data[i + 4 : i + 4 + length].decode("ascii", "replace")
                out.append(f"[CODE-BARRES {payload.removeprefix('{B')}]\n")
                i += 4 + length
            else:
                i += 3
            continue
        if byte == 0x0A or byte >= 0x20:
            out.append(bytes([byte]).decode(codec, "replace"))
        i += 1
    return "".join(out)
