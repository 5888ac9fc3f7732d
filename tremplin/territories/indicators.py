"""What each indicator key means: the one registry that pages, the API and matching read."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.core.professions import Profession
from tremplin.territories.zonages import SCHEMES, ZONAGE_KEYS


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

SCHEMES_LABELS = {scheme.key: scheme.label for scheme in SCHEMES.values()}

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
        *(
            Indicator(key, SCHEMES_LABELS[key], _("zone"), HEALTH, kind="category")
            for key in ZONAGE_KEYS
        ),
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
        Indicator("frr", SCHEMES_LABELS["frr"], "", ECONOMY, kind="category"),
        Indicator(
            "zrr",
            _(
                "Zone de revitalisation rurale (ZRR, classement 2017, remplacé par France "
                "Ruralités Revitalisation le 1er juillet 2024)"
            ),
            "",
            ECONOMY,
            kind="category",
        ),
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

# The APL the DREES publishes for a profession (apl_mk: not imported yet on most servers).
PROFESSION_APL: dict[str, str] = {
    Profession.GENERAL_PRACTITIONER: "apl_mg",
    Profession.NURSE: "apl_inf",
    Profession.ADVANCED_PRACTICE_NURSE: "apl_inf",
    Profession.MIDWIFE: "apl_sf",
    Profession.DENTIST: "apl_cd",
    Profession.PHYSIOTHERAPIST: "apl_mk",
}

# The médecins' zonage (ARS, code de la santé publique L.1434-4): labels and neutral meanings
# declared with the other classements in zonages.py.
ZONAGE_LABELS = {c.code: c.label for c in SCHEMES["zonage_medecins"].categories}
ZONAGE_MEANINGS = {c.code: c.meaning for c in SCHEMES["zonage_medecins"].categories}
