"""The tills' settings: the scanner's speed and the amounts that need a staff badge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.settings.registry import (
    BooleanSetting,
    IntegerSetting,
    MoneySetting,
    SettingGroup,
    declare,
)

# Scanners: a burst of keys ending with Enter is a scan when its mean gap is under this (slow
# scanners and a busy browser's stalls pass, a person typing does not).
SCANNER_MEAN_GAP_MS = IntegerSetting(
    key="till.scanner_mean_gap_ms",
    label=_l("Douchette : écart moyen entre deux touches"),
    default=50,
    minimum=10,
    maximum=200,
    unit="ms",
    help=_l(
        "Au-dessous, une suite de touches finie par Entrée est un scan. Augmentez-le pour "
        "une douchette lente (Bluetooth)."
    ),
)
DIFFERENCE_BADGE_THRESHOLD_CENTS = MoneySetting(
    key="till.difference_badge_threshold_cents",
    label=_l("Écart de caisse à la clôture demandant un badge"),
    default=10_00,
    minimum=0,
    maximum=1000_00,
)
CASH_MOVEMENT_BADGE_THRESHOLD_CENTS = MoneySetting(
    key="till.cash_movement_badge_threshold_cents",
    label=_l("Apport ou retrait d'espèces demandant un badge"),
    default=50_00,
    minimum=0,
    maximum=5000_00,
    help=_l("Au-delà, le badge et le code d'un·e encadrant·e."),
)
OFFLINE_MAX_HOURS = IntegerSetting(
    key="till.offline_max_hours",
    label=_l("Caisse hors ligne : durée avant validation d'un·e encadrant·e"),
    default=24,
    minimum=1,
    maximum=24 * 14,
    unit="h",
    help=_l(
        "Une caisse sans serveur continue de vendre ; au-delà de cette durée sans contact, "
        "chaque vente demande le badge d'un·e encadrant·e."
    ),
)
OFFLINE_BROWSER_RECEIPT = BooleanSetting(
    key="till.offline_browser_receipt",
    label=_l("Caisse hors ligne : ticket imprimé par le navigateur"),
    default=False,
    help=_l(
        "Oui : hors ligne, le ticket s'imprime sur l'imprimante du poste (celle du système, "
        "dont le pilote peut ouvrir le tiroir). Non : il s'imprime au retour du serveur, avec "
        "la mention de la vente hors ligne."
    ),
)

declare(
    SettingGroup(
        name="pos",
        position=30,
        label=_l("Caisses"),
        settings=(
            SCANNER_MEAN_GAP_MS,
            DIFFERENCE_BADGE_THRESHOLD_CENTS,
            CASH_MOVEMENT_BADGE_THRESHOLD_CENTS,
            OFFLINE_MAX_HOURS,
            OFFLINE_BROWSER_RECEIPT,
        ),
    )
)
