"""What each source covers, declared as data: which départements, and what a missing row means.

A list that does not cover a territory says nothing about it: outside a source's coverage a
figure is unknown ("non couvert par cette source"), never 0 or "Non". Inside it, a count source
(stations, cinemas, BPE) is exhaustive, so a commune without a row really has 0. Each
declaration below was derived by reading the published file (`scripts/coverage_survey.py`, the
figures are in docs/data-sources.md, section « Couverture »).

Territories are the land masses a person cannot leave by road: mainland France, Corsica and each
DROM. A "nearest place" is only looked for in the commune's own territory, never across the sea.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAINLAND, CORSICA = "mainland", "corsica"
CORSICA_DEPARTEMENTS = frozenset({"2A", "2B", "20"})
DROM = ("971", "972", "973", "974", "976")
OVERSEAS = frozenset(DROM)
TERRITORY_NAMES: dict[str, Promise] = {
    MAINLAND: gettext_lazy("la France continentale"),
    CORSICA: gettext_lazy("la Corse"),
    "971": gettext_lazy("la Guadeloupe"),
    "972": gettext_lazy("la Martinique"),
    "973": gettext_lazy("la Guyane"),
    "974": gettext_lazy("La Réunion"),
    "976": gettext_lazy("Mayotte"),
}
# (south, north, west, east) in degrees: where a place without a commune is placed. Wide
# enough for the coastal islands of each territory, apart enough never to overlap.
TERRITORY_BOXES: dict[str, tuple[float, float, float, float]] = {
    CORSICA: (41.3, 43.1, 8.5, 9.65),
    MAINLAND: (42.3, 51.2, -5.3, 8.3),
    "971": (15.8, 16.55, -61.9, -61.0),
    "972": (14.35, 14.9, -61.25, -60.8),
    "973": (2.1, 5.8, -54.65, -51.6),
    "974": (-21.4, -20.85, 55.2, 55.85),
    "976": (-13.05, -12.6, 45.0, 45.35),
}
NOT_COVERED = gettext_lazy("non couvert par cette source")


def departement_of(insee: str) -> str:
    """The département of an INSEE commune code: "97411" → "974", "2A004" → "2A"."""
    code = insee.upper()
    return code[:3] if code.startswith("97") else code[:2]


def territory_of(departement: str) -> str:
    """The land mass of a département: mainland France, Corsica, or the DROM itself."""
    if departement in CORSICA_DEPARTEMENTS:
        return CORSICA
    if departement in OVERSEAS:
        return departement
    return MAINLAND


def territory_of_point(latitude: float, longitude: float) -> str | None:
    """The land mass a point lies on, None outside them all (another COM, abroad, at sea)."""
    for territory, (south, north, west, east) in TERRITORY_BOXES.items():
        if south <= latitude <= north and west <= longitude <= east:
            return territory
    return None


class Absent(StrEnum):
    """What it means that a commune inside a source's coverage has no row in it."""

    ZERO = "zero"  # an exhaustive list of places or equipment: none there, a real 0
    NO = "no"  # an exhaustive list of communes with a property: the commune does not have it
    UNPUBLISHED = "unpublished"  # covered, but withheld by the publisher (statistical secrecy)
    UNKNOWN = "unknown"  # covered, but the file has no figure for the commune


@dataclass(frozen=True)
class Coverage:
    source: str  # DataSource key
    label: Promise  # the source as named in a sentence: "la liste SNCF des gares voyageurs"
    outside: frozenset[str] = frozenset()  # départements the source does not cover
    absent: Absent = Absent.UNKNOWN

    def covers(self, departement: str) -> bool:
        return departement not in self.outside

    def gap(self, departement: str) -> str:
        """Why a commune of `departement` has no figure from this source; "" when covered."""
        if self.covers(departement):
            return ""
        return _("%(not_covered)s : %(source)s ne couvre pas %(territory)s") % {
            "not_covered": NOT_COVERED,
            "source": self.label,
            "territory": TERRITORY_NAMES[territory_of(departement)],
        }

    @property
    def absence(self) -> str:
        """What a covered commune without a row is told ("" when that is a 0 or a "Non")."""
        if self.absent == Absent.UNPUBLISHED:
            return _("non publié (secret statistique : trop peu de ménages)")
        return ""


APL = gettext_lazy("l’APL de la DREES")
_APL_OUTSIDE = frozenset({"976"})
_BPE = gettext_lazy("la base permanente des équipements de l’INSEE")
STATIONS = Coverage(
    "stations",
    gettext_lazy("la liste SNCF des gares voyageurs"),
    outside=CORSICA_DEPARTEMENTS | OVERSEAS,
    absent=Absent.ZERO,
)
CINEMAS = Coverage(
    "cinemas",
    gettext_lazy("la liste des cinémas du CNC"),
    outside=OVERSEAS,
    absent=Absent.ZERO,
)
HOSPITALS = Coverage("hospitals", gettext_lazy("l’extraction FINESS"), absent=Absent.ZERO)

# By indicator key. An indicator without a declaration is read as published.
COVERAGES: dict[str, Coverage] = {
    **{
        key: Coverage(key, APL, outside=_APL_OUTSIDE)
        for key in ("apl_mg", "apl_mg_65", "apl_inf", "apl_sf", "apl_cd", "apl_mk")
    },
    "schools_primary": Coverage("bpe_schools", _BPE, absent=Absent.ZERO),
    **{
        key: Coverage("bpe_commerce", _BPE, absent=Absent.ZERO)
        for key in ("shops", "supermarkets", "bakeries")
    },
    **{key: Coverage("bpe_tourism", _BPE, absent=Absent.ZERO) for key in ("hotels", "campings")},
    "stations": STATIONS,
    "cinemas": CINEMAS,
    "coastline": Coverage(
        "coastline",
        gettext_lazy("la liste des communes littorales de l’ONML"),
        outside=frozenset({"976"}),
        absent=Absent.NO,
    ),
    "unemployment": Coverage(
        "unemployment",
        gettext_lazy("l’estimation INSEE du chômage par zone d’emploi"),
        outside=frozenset({"973", "976"}),
    ),
    "poverty": Coverage(
        "poverty",
        gettext_lazy("Filosofi (INSEE)"),
        outside=frozenset({"971", "973", "976"}),
        absent=Absent.UNPUBLISHED,
    ),
}
# By place kind (Place.Kind values).
PLACE_COVERAGES: dict[str, Coverage] = {
    "station": STATIONS,
    "cinema": CINEMAS,
    "hospital": HOSPITALS,
}
# How far a "nearest place" may be: beyond it the place is no help in daily life, and the
# figure would mostly measure the emptiness of the list. A station or a cinema farther than
# 100 km (over an hour's drive) is not "nearby"; hospitals are sparser (the most isolated
# mainland communes are 60 to 90 km from one), so 150 km still finds the hospital people go to.
NEAREST_CAP_KM: dict[str, float] = {"station": 100.0, "cinema": 100.0, "hospital": 150.0}


def indicator_gap(key: str, departement: str) -> str:
    """Why indicator `key` is unknown for a commune of `departement`; "" when covered."""
    coverage = COVERAGES.get(key)
    return coverage.gap(departement) if coverage else ""


def covered_communes(key: str, communes: set[str]) -> set[str]:
    """The INSEE codes of `communes` that the source of indicator `key` covers."""
    coverage = COVERAGES.get(key)
    if coverage is None:
        return set(communes)
    return {insee for insee in communes if coverage.covers(departement_of(insee))}


# Sources that publish Paris, Lyon and Marseille by arrondissement (checked in the files: the
# DREES APL, the BPE, Filosofi, the CNC list, the zonage extraction, the ANCT ZRR sheet; an
# imported classement, keyed "<scheme>:<date>…", lists what its arrêté lists). An arrondissement
# without a row of one of them has no value of its own — it never borrows its city's total. The
# others (SNCF, ONML, zones d'emploi, chômage) publish the city only: an arrondissement shows its
# city's figure, marked as such.
BY_ARRONDISSEMENT = frozenset(
    {"apl_mg", "apl_inf", "apl_sf", "apl_cd", "apl_mk", "bpe_commerce", "bpe_schools"}
    | {"bpe_tourism", "poverty", "cinemas", "zonage_mg", "zrr"}
)


def publishes_by_arrondissement(source_key: str) -> bool:
    return source_key in BY_ARRONDISSEMENT or ":" in source_key
