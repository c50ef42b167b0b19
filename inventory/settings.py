"""The stock's settings: expiry warnings and what may be sold or received near a date."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.settings.registry import BooleanSetting, IntegerSetting, SettingGroup, declare

EXPIRY_WARNING_DAYS = IntegerSetting(
    key="stock.expiry_warning_days",
    label=_l("Alerte avant la DLC"),
    default=3,
    minimum=0,
    maximum=30,
    unit="jours",
    help=_l("Les lots à moins de ces jours de leur DLC sont signalés (page Dates limites)."),
)
SELL_PAST_DDM = BooleanSetting(
    key="stock.sell_past_ddm",
    label=_l("Vendre après la DDM"),
    default=True,
    help=_l(
        "Une date de durabilité minimale dépassée n'interdit pas la vente ; une DLC "
        "dépassée, toujours."
    ),
)
DONATION_MIN_HOURS_BEFORE_DLC = IntegerSetting(
    key="stock.donation_min_hours_before_dlc",
    label=_l("Dons de magasins : délai minimal avant la DLC"),
    default=48,
    minimum=0,
    maximum=240,
    unit="heures",
)

declare(
    SettingGroup(
        name="inventory",
        position=20,
        label=_l("Stock"),
        settings=(EXPIRY_WARNING_DAYS, SELL_PAST_DDM, DONATION_MIN_HOURS_BEFORE_DLC),
    )
)
