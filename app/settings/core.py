"""The settings ``app`` owns: the site's identity (edited on Administration → Structure), logins
and the scale of this server."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from app.settings.registry import BooleanSetting, IntegerSetting, SettingGroup, TextSetting, declare
from app.values import InvalidValue, parse_siret

FOOTER_LINES = 4


def _footer(text: str) -> str:
    if len(text.splitlines()) > FOOTER_LINES:
        raise InvalidValue(f"Bas du ticket : {FOOTER_LINES} lignes au plus.")
    return text


SHOP_NAME = TextSetting(
    key="shop.name",
    label=_l("Nom de la structure"),
    max_length=120,
    default="Épicerie solidaire Les Quatre Saisons",
    required=True,
    edited_on="site.identity",
    edited_where=_l("Administration → Structure"),
)
SHOP_ADDRESS = TextSetting(
    key="shop.address",
    label=_l("Adresse"),
    max_length=200,
    multiline=True,
    default="CCAS — 1 place de la Mairie",
    edited_on="site.identity",
    edited_where=_l("Administration → Structure"),
)
SHOP_SIRET = TextSetting(
    key="shop.siret",
    label=_l("SIRET"),
    max_length=20,
    default="",
    check=parse_siret,
    edited_on="site.identity",
    edited_where=_l("Administration → Structure"),
)
SHOP_VAT_EXEMPT = BooleanSetting(
    key="shop.vat_exempt",
    label=_l("Franchise en base de TVA"),
    default=True,
    help=_l("Article 293 B du CGI : les tickets n'affichent pas de TVA."),
    edited_on="site.identity",
    edited_where=_l("Administration → Structure"),
)
SHOP_RECEIPT_FOOTER = TextSetting(
    key="shop.receipt_footer",
    label=_l("Bas du ticket"),
    max_length=300,
    multiline=True,
    default="",
    check=_footer,
    edited_on="site.identity",
    edited_where=_l("Administration → Structure"),
    help=_l("Lignes imprimées à la fin de chaque ticket (un merci, les horaires…)."),
)
SITE_DEMO = BooleanSetting(
    key="site.demo",
    label=_l("Site de démonstration"),
    default=False,
    edited_on="",
    help=_l("Posé par « caisse demo » : un bandeau « DÉMO » sur chaque page."),
)


# Lock-outs: 5 failures for one account (or badge) from one computer; 20 failures of any account
# from one computer; 50 failures of one account from everywhere (a spread attack).
MAX_FAILED_LOGINS = IntegerSetting(
    key="security.max_failed_logins",
    label=_l("Essais manqués avant blocage d'un compte"),
    default=5,
    minimum=3,
    maximum=20,
    unit="essais",
    help=_l("Depuis un même poste, pour un compte ou un badge."),
)
MAX_FAILED_LOGINS_PER_ADDRESS = IntegerSetting(
    key="security.max_failed_logins_per_address",
    label=_l("Essais manqués avant blocage d'un poste"),
    default=20,
    minimum=5,
    maximum=200,
    unit="essais",
    help=_l("Tous comptes confondus, depuis un même poste."),
)
MAX_FAILED_LOGINS_ACCOUNT = IntegerSetting(
    key="security.max_failed_logins_account",
    label=_l("Essais manqués avant blocage d'un compte, tous postes"),
    default=50,
    minimum=10,
    maximum=500,
    unit="essais",
    help=_l("Une attaque répartie sur plusieurs postes ; un·e admin débloque le compte."),
)
LOCKOUT_MINUTES = IntegerSetting(
    key="security.lockout_minutes",
    label=_l("Durée du blocage"),
    default=15,
    minimum=1,
    maximum=24 * 60,
    unit="minutes",
)

# A serial scale (Toledo 8217 protocol) on this server: a serial device, or none.
_SCALE_PORT = re.compile(
    r"^/dev/(ttyUSB\d{1,2}|ttyACM\d{1,2}|ttyS\d{1,2}|pts/\d{1,4}|"
    r"serial/by-(id|path)/[A-Za-z0-9_.:+-]{1,100})$"
)


def _scale_port(text: str) -> str:
    if text and not _SCALE_PORT.match(text):
        raise InvalidValue(
            "Port de la balance : un port série (/dev/ttyUSB0, /dev/ttyS0, "
            "/dev/serial/by-id/…) ou vide s'il n'y a pas de balance."
        )
    return text


SCALE_PORT = TextSetting(
    key="hardware.scale_port",
    label=_l("Port de la balance"),
    default="",
    max_length=120,
    check=_scale_port,
    help=_l(
        "Balance série (protocole Toledo 8217) branchée sur ce serveur, par exemple "
        "/dev/ttyUSB0. Vide : le poids se tape à la main."
    ),
)

declare(
    SettingGroup(
        name="site",
        position=10,
        label=_l("Structure"),
        settings=(
            SHOP_NAME,
            SHOP_ADDRESS,
            SHOP_SIRET,
            SHOP_VAT_EXEMPT,
            SHOP_RECEIPT_FOOTER,
            SITE_DEMO,
        ),
    )
)
declare(
    SettingGroup(
        name="security",
        position=90,
        label=_l("Connexions"),
        settings=(
            MAX_FAILED_LOGINS,
            MAX_FAILED_LOGINS_PER_ADDRESS,
            MAX_FAILED_LOGINS_ACCOUNT,
            LOCKOUT_MINUTES,
        ),
    )
)
declare(SettingGroup(name="hardware", position=80, label=_l("Matériel"), settings=(SCALE_PORT,)))
