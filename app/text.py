"""Text folding for search: "Pâtes" and "pates" meet on "pates"."""

from __future__ import annotations

import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold_for_search(text: str) -> str:
    """Lower case, accents removed, ligatures spelt out, blanks collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
