"""What each indicator key means: the one registry that pages, the API and matching read."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Promise
    unit: Promise | str  # "" when the value has no unit
    section: str
    kind: str = "ratio"  # ratio | count | rate | category | flag
    higher_is_better: bool = True
    decimals: int = 1


HEALTH, DAILY_LIFE, ECONOMY = "health", "daily_life", "economy"
SECTIONS = {
    HEALTH: _("Accès aux soins"),
    DAILY_LIFE: _("Vie quotidienne"),
    ECONOMY: _("Emploi et revenus"),
}

# Units as the DREES workbooks print them (row 10, without the leading "En"); a test reads the
# real workbooks to keep them so.
APL_CONSULTATIONS = _("nombre de consultations/visites accessibles par habitant standardisé")
APL_FTE = _("ETP pour 100 000 habitants standardisés")
APL_FTE_WOMEN = _("ETP pour 100 000 habitantes standardisées")

INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in [
        Indicator(
            "apl_mg", _("APL aux médecins généralistes"), APL_CONSULTATIONS, HEALTH, decimals=2
        ),
        Indicator(
            "apl_mg_65",
            _("APL aux médecins généralistes de moins de 65 ans"),
            APL_CONSULTATIONS,
            HEALTH,
            decimals=2,
        ),
        Indicator("apl_inf", _("APL aux infirmières"), APL_FTE, HEALTH),
        Indicator("apl_sf", _("APL aux sages-femmes"), APL_FTE_WOMEN, HEALTH),
        Indicator("apl_cd", _("APL aux chirurgiens-dentistes"), APL_FTE, HEALTH),
        Indicator("apl_mk", _("APL aux masseurs-kinésithérapeutes"), APL_FTE, HEALTH),
        Indicator("zonage_mg", _("Zonage ARS des médecins"), _("zone"), HEALTH, kind="category"),
        Indicator(
            "schools_primary",
            _("Écoles maternelles et élémentaires"),
            _("écoles"),
            DAILY_LIFE,
            kind="count",
            decimals=0,
        ),
        Indicator("shops", _("Commerces"), _("commerces"), DAILY_LIFE, kind="count", decimals=0),
        Indicator(
            "supermarkets",
            _("Hypermarchés et supermarchés"),
            _("magasins"),
            DAILY_LIFE,
            kind="count",
            decimals=0,
        ),
        Indicator(
            "bakeries", _("Boulangeries"), _("boulangeries"), DAILY_LIFE, kind="count", decimals=0
        ),
        Indicator(
            "stations", _("Gares voyageurs"), _("gares"), DAILY_LIFE, kind="count", decimals=0
        ),
        Indicator("cinemas", _("Cinémas"), _("cinémas"), DAILY_LIFE, kind="count", decimals=0),
        Indicator("hotels", _("Hôtels"), _("hôtels"), DAILY_LIFE, kind="count", decimals=0),
        Indicator("campings", _("Campings"), _("campings"), DAILY_LIFE, kind="count", decimals=0),
        Indicator("coastline", _("Commune littorale"), "", DAILY_LIFE, kind="flag"),
        Indicator("employment_zone", _("Zone d’emploi"), "", ECONOMY, kind="category"),
        Indicator("zrr", _("Zone de revitalisation rurale (ZRR)"), "", ECONOMY, kind="category"),
        Indicator(
            "unemployment",
            _("Taux de chômage de la zone d’emploi"),
            _("% de la population active"),
            ECONOMY,
            kind="rate",
            higher_is_better=False,
        ),
        Indicator(
            "poverty",
            _("Taux de pauvreté (seuil de 60 %)"),
            _("% de la population"),
            ECONOMY,
            kind="rate",
            higher_is_better=False,
            decimals=0,
        ),
    ]
}

APL_KEYS = ["apl_mg", "apl_mg_65", "apl_inf", "apl_sf", "apl_cd", "apl_mk"]

# What the médecins' zonage means for someone who wants to settle (ARS zonage, code de la santé
# publique L.1434-4). Amounts change: the page always points to the ARS.
ZONAGE_MEANINGS = {
    "ZIP": _(
        "Zone d’intervention prioritaire : la plus sous-dotée. Les médecins qui s’y installent ou y "
        "exercent sont éligibles aux aides de l’Assurance maladie (contrats d’aide à l’installation "
        "et de stabilisation), de l’État (contrat d’engagement de service public) et des collectivités, "
        "et à des exonérations fiscales."
    ),
    "ZAC": _(
        "Zone d’action complémentaire : sous-dotée, avec des aides de l’État et des collectivités "
        "(par exemple le contrat d’engagement de service public), mais pas les aides "
        "conventionnelles de l’Assurance maladie réservées aux ZIP."
    ),
    "ZAR": _(
        "Zone d’accompagnement régional : zone de vigilance définie par l’ARS, avec des aides "
        "régionales spécifiques selon les régions."
    ),
    "HZ": _("Hors zonage : pas d’aide spécifique à l’installation liée au zonage."),
}
ZONAGE_LABELS = {
    "ZIP": _("Zone d’intervention prioritaire (ZIP)"),
    "ZAC": _("Zone d’action complémentaire (ZAC)"),
    "ZAR": _("Zone d’accompagnement régional (ZAR)"),
    "HZ": _("Hors zonage"),
}
