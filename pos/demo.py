"""Demo tills: the two tills of the épicerie."""

from __future__ import annotations

from pos.models import Till


def load_demo(session, context) -> list[str]:
    # Both print to the simulated printer that scripts/demo.sh starts (caisse printer-sim).
    session.add_all([
        Till(code=code, name=name, is_active=True, printer_kind="network",
             printer_target="127.0.0.1:9100", printer_model="epson-tm-t20ii")
        for code, name in (("C1", "Caisse 1 — entrée"), ("C2", "Caisse 2 — ressourcerie"))])
    return ["Caisses : Caisse 1 — entrée, Caisse 2 — ressourcerie (imprimante simulée "
            "127.0.0.1:9100, tickets dans instance/tickets/)."]
