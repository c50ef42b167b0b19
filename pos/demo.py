"""Demo tills: the two tills of the épicerie."""

from __future__ import annotations

from pos.models import Till


def load_demo(session, context) -> list[str]:
    session.add_all([Till(code="C1", name="Caisse 1 — entrée", is_active=True),
                     Till(code="C2", name="Caisse 2 — ressourcerie", is_active=True)])
    return ["Caisses : Caisse 1 — entrée, Caisse 2 — ressourcerie."]
