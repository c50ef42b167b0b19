"""The thermal label printer (an ESC/POS roll, 58 or 80 mm), set on Étiquettes → Imprimante
where its target is checked like a till's printer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.settings.registry import ChoiceSetting, SettingGroup, TextSetting, declare
from hardware.models import MODELS
from hardware.targets import KINDS

PRINTER_KIND = ChoiceSetting(
    key="labels.printer_kind",
    label=_l("Imprimante d'étiquettes"),
    default="none",
    choices=KINDS,
    edited_on="labels.printer",
    edited_where=_l("Étiquettes → Imprimante"),
)
PRINTER_TARGET = TextSetting(
    key="labels.printer_target",
    label=_l("Adresse de l'imprimante"),
    default="",
    max_length=120,
    edited_on="labels.printer",
    edited_where=_l("Étiquettes → Imprimante"),
)
PRINTER_MODEL = ChoiceSetting(
    key="labels.printer_model",
    label=_l("Modèle de l'imprimante d'étiquettes"),
    default="pos-5890",
    choices=tuple((key, model.label) for key, model in MODELS.items()),
    edited_on="labels.printer",
    edited_where=_l("Étiquettes → Imprimante"),
)

declare(
    SettingGroup(
        name="labels",
        position=70,
        label=_l("Étiquettes"),
        settings=(PRINTER_KIND, PRINTER_TARGET, PRINTER_MODEL),
    )
)
