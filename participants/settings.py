"""The settings of the épicerie's access rights, the ateliers and the RGPD retention
(../shared/DOMAIN.md gives the defaults)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.settings.registry import (
    BooleanSetting,
    DurationSetting,
    IntegerSetting,
    MoneySetting,
    MoneyTableSetting,
    PercentSetting,
    SettingGroup,
    TextSetting,
    declare,
)
from participants.households.opening import checked_opening_hours

MIN_RATE_BP, MAX_RATE_BP = 1000, 3000  # ANDES charter: 10 % to 30 % of the reference value

RIGHT_DEFAULT_MONTHS = IntegerSetting(
    key="epicerie.right_default_months",
    label=_l("Durée proposée d'un droit"),
    default=3,
    minimum=1,
    maximum=24,
    unit="mois",
)
RIGHT_MAX_MONTHS = IntegerSetting(
    key="epicerie.right_max_months",
    label=_l("Durée maximale d'un droit"),
    default=6,
    minimum=1,
    maximum=24,
    unit="mois",
)
DEFAULT_RATE_BP = PercentSetting(
    key="epicerie.default_rate_bp",
    label=_l("Taux de participation proposé"),
    default=2000,
    minimum=MIN_RATE_BP,
    maximum=MAX_RATE_BP,
    help=_l("Part de la valeur des produits payée par le foyer (charte ANDES : 10 à 30 %)."),
)
MAX_RENEWALS = IntegerSetting(
    key="epicerie.max_renewals",
    label=_l("Renouvellements consécutifs"),
    default=1,
    minimum=0,
    maximum=12,
    unit="renouvellement(s)",
)
RENEWAL_GAP_MONTHS = IntegerSetting(
    key="epicerie.renewal_gap_months",
    label=_l("Délai avant un nouveau droit"),
    default=3,
    minimum=0,
    maximum=24,
    unit="mois",
    help=_l("Après le dernier renouvellement permis, attente avant une nouvelle demande."),
)
RAV_THRESHOLD_CENTS = MoneySetting(
    key="epicerie.rav_threshold_cents",
    label=_l("Reste à vivre : seuil par personne et par jour"),
    default=800,
    minimum=0,
    maximum=100_00,
    help=_l("Repère pour la commission : en dessous, le foyer est éligible."),
)
ALLOWANCE_BY_PERSONS_CENTS = MoneyTableSetting(
    key="epicerie.allowance_by_persons_cents",
    label=_l("Montant mensuel proposé"),
    default={"1": 2000, "2": 3000, "3": 4000, "4": 5000},
    rows=(
        ("1", "1 personne"),
        ("2", "2 personnes"),
        ("3", "3 personnes"),
        ("4", "4 personnes et plus"),
    ),
    help=_l("Montant d'achats par mois proposé selon la taille du foyer."),
)
REFERENTS_SEE_ALL = BooleanSetting(
    key="epicerie.referents_see_all",
    label=_l("Les référent·es voient tous les foyers"),
    default=False,
    help=_l("Sinon chaque référent·e ne voit que les foyers qu'il ou elle suit."),
)
ONE_SITE_PER_HOUSEHOLD = BooleanSetting(
    key="epicerie.one_site_per_household",
    label=_l("Chaque foyer est servi sur un seul site"),
    default=False,
    help=_l(
        "Son site de rattachement (sur sa fiche ; à sa création, le site de la personne qui "
        "l'inscrit). Ailleurs, sa carte est refusée à la caisse. Sans effet avec un seul site."
    ),
)
INACTIVE_YEARS = IntegerSetting(
    key="rgpd.inactive_years",
    label=_l("Conservation après le dernier contact"),
    default=2,
    minimum=1,
    maximum=10,
    unit="ans",
    help=_l("Au-delà, foyers et participant·es sont proposés à l'anonymisation."),
)
# Appointments and places (ANDES / Banque Alimentaire practice: households come by slot, and
# the épicerie holds a number of running rights; beyond it, granted households wait in order).
OPENING_HOURS = TextSetting(
    key="epicerie.opening_hours",
    label=_l("Horaires d'ouverture (rendez-vous)"),
    default="mardi 14:00-18:00 ; jeudi 14:00-18:00 ; vendredi 9:00-12:00",
    max_length=300,
    required=True,
    check=checked_opening_hours,
    help=_l("Un jour puis ses plages : « mardi 14:00-18:00 ; jeudi 9:00-12:00, 14:00-17:00 »."),
)
SLOT_MINUTES = IntegerSetting(
    key="epicerie.slot_minutes",
    label=_l("Durée d'un créneau de rendez-vous"),
    default=20,
    minimum=5,
    maximum=120,
    unit="min",
)
HOUSEHOLDS_PER_SLOT = IntegerSetting(
    key="epicerie.households_per_slot",
    label=_l("Foyers reçus par créneau"),
    default=2,
    minimum=1,
    maximum=20,
    unit="foyer(s)",
)
CAPACITY = IntegerSetting(
    key="epicerie.capacity",
    label=_l("Places : droits en cours au plus"),
    default=0,
    minimum=0,
    maximum=10_000,
    unit="foyer(s)",
    help=_l(
        "0 : sans limite. Au-delà, un foyer accordé par la commission attend son tour sur la "
        "liste d'attente."
    ),
)
# Ateliers d'insertion: the contract's weekly minimum (a contract may ask more, e.g. 15 h for
# RSA engagement contracts), and what a jardin delivery counts when nobody planned it.
MIN_WEEKLY_MINUTES = DurationSetting(
    key="ateliers.min_weekly_minutes",
    label=_l("Heures minimales par semaine d'un contrat"),
    default=9 * 60,
    minimum=60,
    maximum=35 * 60,
    help=_l("9 h par défaut ; 15 h pour les contrats d'engagement RSA depuis 2025."),
)
HARVEST_MINUTES = DurationSetting(
    key="ateliers.harvest_minutes",
    label=_l("Heures comptées pour une livraison du jardin"),
    default=3 * 60,
    minimum=15,
    maximum=8 * 60,
    help=_l("Quand la personne qui livre n'était pas au planning ce jour-là."),
)


def _default_within_max(values) -> str | None:
    if values["epicerie.right_default_months"] > values["epicerie.right_max_months"]:
        return "La durée proposée d'un droit dépasse la durée maximale."
    return None


declare(
    SettingGroup(
        name="epicerie",
        position=40,
        label=_l("Épicerie : droits d'accès"),
        settings=(
            RIGHT_DEFAULT_MONTHS,
            RIGHT_MAX_MONTHS,
            DEFAULT_RATE_BP,
            MAX_RENEWALS,
            RENEWAL_GAP_MONTHS,
            RAV_THRESHOLD_CENTS,
            ALLOWANCE_BY_PERSONS_CENTS,
            REFERENTS_SEE_ALL,
            ONE_SITE_PER_HOUSEHOLD,
        ),
        checks=(_default_within_max,),
    )
)
declare(
    SettingGroup(
        name="epicerie_accueil",
        position=45,
        label=_l("Épicerie : rendez-vous et places"),
        settings=(OPENING_HOURS, SLOT_MINUTES, HOUSEHOLDS_PER_SLOT, CAPACITY),
    )
)
declare(
    SettingGroup(
        name="ateliers",
        position=50,
        label=_l("Ateliers d'insertion"),
        settings=(MIN_WEEKLY_MINUTES, HARVEST_MINUTES),
    )
)
declare(
    SettingGroup(
        name="rgpd",
        position=60,
        label=_l("Données personnelles (RGPD)"),
        settings=(INACTIVE_YEARS,),
    )
)
