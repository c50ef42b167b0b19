"""Labels benchmark: render 1,000 mixed labels (shelf, sticker, weighed, ressourcerie tag,
card) to an A4 PDF, on each sheet layout. Builds its own data; no database.

    .venv/bin/python bench/labels_bench.py
"""

from __future__ import annotations

import time

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
from labels.pdf import render_sheets

TARGET_SECONDS = 5.0


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def mixed_labels(count: int) -> list:
    labels = []
    for n in range(count):
        kind = n % 5
        if kind == 0:
            labels.append(
                ShelfLabel(
                    f"Produit d'épicerie n° {n}",
                    "1,89 €",
                    "3,78 € / kg",
                    "Adhérent·es (20 %) : 0,38 €",
                    "Banque Alimentaire",
                    Barcode("ean13", ean13(f"356007{n:06d}")),
                )
            )
        elif kind == 1:
            labels.append(
                BarcodeSticker(f"Article {n}", "1,05 €", Barcode("ean13", ean13(f"342827{n:06d}")))
            )
        elif kind == 2:
            grams = 100 + n
            labels.append(
                WeighedLabel(
                    "Tomates du jardin",
                    f"{grams} g",
                    "4,00 €",
                    "3,20 € / kg",
                    "24/11/2026",
                    "À consommer jusqu'au",
                    "28/11/2026",
                    Barcode("ean13", ean13(f"2100005{grams:05d}")),
                    400,
                    grams,
                    "Jardin du CCAS",
                )
            )
        elif kind == 3:
            labels.append(
                ItemTag(
                    f"R{n:06d}",
                    "Petit électroménager",
                    "Bouilloire 1,7 l",
                    "8,00 €",
                    WARRANTY_TEXT,
                    Barcode("code128", f"R{n:06d}"),
                )
            )
        else:
            labels.append(
                CardLabel(
                    f"Foyer n° {n}",
                    "Valable jusqu'au 28/02/2027",
                    Barcode("ean13", ean13(f"042{n:09d}")),
                    "Épicerie solidaire Les Quatre Saisons",
                )
            )
    return labels


def main() -> None:
    labels = mixed_labels(1000)
    render_sheets(labels[:10], LAYOUTS["3x8"])  # warm the fonts and the barcode classes
    for key, layout in LAYOUTS.items():
        started = time.perf_counter()
        pdf = render_sheets(labels, layout)
        elapsed = time.perf_counter() - started
        print(
            f"render_1000_labels_{key}: {elapsed:.2f} s (target < {TARGET_SECONDS:.0f} s; "
            f"{len(pdf) // 1024} KiB)"
        )


if __name__ == "__main__":
    main()
