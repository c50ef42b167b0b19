"""The CCAS's ateliers (../shared/DOMAIN.md): created by `caisse init`
as editable defaults, and by the demo."""

from __future__ import annotations

ATELIERS = (
    ("jardinage", "Jardinage et bricolage"),
    ("alimentation", "Alimentation et santé"),
    ("confection", "Confection et image de soi"),
    ("bien_etre", "Bien-être chez soi"),
    ("genealogie", "Généalogie"),
    ("demarches", "Démarches en ligne"),
    ("ressourcerie", "Ressourcerie solidaire"),
    ("expressions", "Expressions"),
    ("quatre_saisons", "Quatre saisons (épicerie)"),
)
ATELIER_CAPACITY = 6  # at most 6 people at once in each atelier
