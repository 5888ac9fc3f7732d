"""What a professional can ask for: the criteria (their names in the URL, labels, thresholds),
the importances and their weights, the town sizes, the profession's defaults, and `Criteria`,
one request with the defaults applied. `scoring.py` ranks territories against them."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from tremplin.core.professions import Profession
from tremplin.matching.areas import FRANCE, Area
from tremplin.territories.indicators import PROFESSION_APL

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise


class Importance(models.TextChoices):
    INDIFFERENT = "indifferent", _("Indifférent")
    DESIRABLE = "souhaitable", _("Souhaitable")
    IMPORTANT = "important", _("Important")
    REQUIRED = "indispensable", _("Indispensable")


WEIGHTS = {
    Importance.INDIFFERENT: 0.0,
    Importance.DESIRABLE: 1.0,
    Importance.IMPORTANT: 3.0,
    Importance.REQUIRED: 3.0,
}


class TownSize(models.TextChoices):
    VILLAGE = "village", _("Village (moins de 2 000 habitants)")
    SMALL_TOWN = "petite_ville", _("Petite ville (2 000 à 20 000 habitants)")
    MEDIUM_TOWN = "ville_moyenne", _("Ville moyenne (20 000 à 100 000 habitants)")
    CITY = "grande_ville", _("Grande ville (plus de 100 000 habitants)")


SIZE_CLASSES = {
    TownSize.VILLAGE: 1,
    TownSize.SMALL_TOWN: 2,
    TownSize.MEDIUM_TOWN: 3,
    TownSize.CITY: 4,
}

PROFESSIONAL, PERSONAL = "professional", "personal"
GROUPS = {PROFESSIONAL: _("Critères professionnels"), PERSONAL: _("Critères personnels")}


@dataclass(frozen=True)
class CriterionDefinition:
    key: str  # its name in the URL
    label: "StrPromise"
    group: str
    # "indispensable" keeps the communes whose satisfaction reaches this.
    threshold: float
    help_text: "StrOrPromise" = ""


CRITERIA: dict[str, CriterionDefinition] = {
    c.key: c
    for c in [
        CriterionDefinition(
            "besoin",
            _("Patientèle potentielle (APL de ma profession)"),
            PROFESSIONAL,
            0.3,
            _(
                "Un accès à votre profession plus faible que la médiane des communes, là où "
                "vivent assez de gens pour une patientèle : la population à moins de 10 km compte."
            ),
        ),
        CriterionDefinition(
            "zonage",
            _("Aides à l’installation (zonage ARS)"),
            PROFESSIONAL,
            0.75,
            _("Médecins généralistes : ZIP, puis ZAC."),
        ),
        CriterionDefinition("annonces", _("Annonces publiées à proximité"), PROFESSIONAL, 0.5),
        CriterionDefinition("logement", _("Logement offert à proximité"), PROFESSIONAL, 0.5),
        CriterionDefinition(
            "accueil",
            _("Territoire qui accueille"),
            PROFESSIONAL,
            0.5,
            _(
                "Une collectivité y a publié sa page d’accueil (logement, activités, référent), "
                "ou soutient une annonce à moins de 10 km."
            ),
        ),
        CriterionDefinition("hopital", _("Site hospitalier à proximité"), PROFESSIONAL, 1.0),
        CriterionDefinition(
            "zrr",
            _("Commune rurale classée (FRR, ou ZRR de 2017 à défaut)"),
            PROFESSIONAL,
            0.5,
            _(
                "France Ruralités Revitalisation (FRR), qui a remplacé les zones de "
                "revitalisation rurale (ZRR) le 1er juillet 2024 ; tant que le classement FRR "
                "n’est pas importé, le classement ZRR de 2017. Les mesures attachées au "
                "classement sont présentées par l’ANCT."
            ),
        ),
        CriterionDefinition("proximite", _("Près de chez moi"), PERSONAL, 1.0),
        CriterionDefinition("taille", _("Taille de la commune"), PERSONAL, 1.0),
        CriterionDefinition("ecoles", _("École maternelle ou élémentaire"), PERSONAL, 0.5),
        CriterionDefinition("commerces", _("Commerces"), PERSONAL, 0.5),
        CriterionDefinition(
            "gare_commune",
            _("Gare dans la commune"),
            PERSONAL,
            1.0,
            _("Au moins une gare voyageurs dans la commune même (liste SNCF des gares, 2017)."),
        ),
        CriterionDefinition(
            "gare",
            _("Gare à proximité"),
            PERSONAL,
            1.0,
            _("Une gare voyageurs à moins de la distance choisie, dans la commune ou une autre."),
        ),
        CriterionDefinition("cinema", _("Cinéma à proximité"), PERSONAL, 1.0),
        CriterionDefinition(
            "littorale",
            _("Commune littorale"),
            PERSONAL,
            1.0,
            _(
                "Sur la liste officielle des communes riveraines de la mer ou d’un océan "
                "(Observatoire national de la mer et du littoral, 2019)."
            ),
        ),
        CriterionDefinition(
            "littoral",
            _("Littoral à proximité"),
            PERSONAL,
            1.0,
            _(
                "Une commune littorale à moins de la distance choisie (de centre à centre) : "
                "la commune elle-même peut ne pas l’être."
            ),
        ),
        CriterionDefinition(
            "emploi",
            _("Emploi pour mon conjoint"),
            PERSONAL,
            0.5,
            _("Taux de chômage de la zone d’emploi plus faible que la moitié des communes."),
        ),
    ]
}
# The rural criterion ("zrr", its name in the URL) under the classement it reads.
RURAL_LABELS = {
    "frr": _("France Ruralités Revitalisation (FRR)"),
    "zrr": _("Zone de revitalisation rurale (ZRR, classement 2017, remplacé par FRR en 2024)"),
}
# Criteria read straight from a static column of the matrix.
STATIC_CRITERIA = {
    "zonage": "zonage",
    "logement": "housing",
    "accueil": "welcome",
    "zrr": "zrr",
    "gare_commune": "station_here",
    "littorale": "coastal",
    "ecoles": "schools",
    "commerces": "shops",
    "emploi": "employment",
}
DISTANCE_CRITERIA = {
    "gare": "station_km",
    "hopital": "hospital_km",
    "cinema": "cinema_km",
    "littoral": "coast_km",
}
DEFAULT_KM = {"proximite": 50, "gare": 10, "hopital": 30, "cinema": 15, "littoral": 20}
MAX_KM = {"proximite": 1000, "gare": 200, "hopital": 200, "cinema": 200, "littoral": 200}

# The médecins' zonage is the only one imported: it concerns general practitioners.
ZONAGE_PROFESSIONS = {Profession.GENERAL_PRACTITIONER}
# Professions practised mostly in hospitals: a hospital nearby matters by default.
HOSPITAL_PROFESSIONS = {
    Profession.ANAESTHETIST,
    Profession.EMERGENCY_PHYSICIAN,
    Profession.SURGEON,
    Profession.RADIOGRAPHER,
    Profession.LAB_TECHNICIAN,
    Profession.CARE_ASSISTANT,
}


@dataclass(frozen=True)
class Origin:
    """A commune the professional comes from or must stay near."""

    insee: str
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Criteria:
    """What a professional asked for, defaults applied: `importance` has every key."""

    profession: str
    importance: dict[str, str]
    defaulted: frozenset[str] = frozenset()
    origins: tuple[Origin, ...] = ()
    km: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_KM))
    offer_kinds: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    # Villages too: by default only places that can host a practice are proposed.
    villages: bool = False
    area: Area = FRANCE  # only communes inside count (a filter, not a criterion)

    def weight(self, key: str) -> float:
        return WEIGHTS[Importance(self.importance.get(key, Importance.INDIFFERENT))]

    def is_required(self, key: str) -> bool:
        return self.importance.get(key) == Importance.REQUIRED


def default_importance(
    profession: str, key: str, *, has_origins: bool = False, has_sizes: bool = False
) -> str:
    """What a criterion weighs when the professional did not say: sensible for the profession."""
    if key == "besoin" and profession in PROFESSION_APL:
        return Importance.IMPORTANT
    if key == "zonage" and profession in ZONAGE_PROFESSIONS:
        return Importance.IMPORTANT
    if key == "hopital" and profession in HOSPITAL_PROFESSIONS:
        return Importance.IMPORTANT
    if key == "annonces":
        return Importance.DESIRABLE
    if key == "proximite" and has_origins:
        return Importance.REQUIRED
    if key == "taille" and has_sizes:
        return Importance.DESIRABLE
    return Importance.INDIFFERENT


def criteria_build(
    *,
    profession: str,
    stated: dict[str, str] | None = None,
    origins: tuple[Origin, ...] = (),
    km: dict[str, float] | None = None,
    offer_kinds: tuple[str, ...] = (),
    sizes: tuple[str, ...] = (),
    villages: bool = False,
    area: Area = FRANCE,
) -> Criteria:
    """Criteria with the professional's stated importances and the defaults for the rest."""
    stated = {key: value for key, value in (stated or {}).items() if value}
    importance: dict[str, str] = {}
    defaulted: set[str] = set()
    for key in CRITERIA:
        if key in stated:
            importance[key] = Importance(stated[key])
        else:
            importance[key] = Importance(
                default_importance(
                    profession, key, has_origins=bool(origins), has_sizes=bool(sizes)
                )
            )
            defaulted.add(key)
    return Criteria(
        profession=profession,
        importance=importance,
        defaulted=frozenset(defaulted),
        origins=tuple(origins),
        km={**DEFAULT_KM, **(km or {})},
        offer_kinds=tuple(offer_kinds),
        sizes=tuple(sizes),
        villages=villages,
        area=area,
    )
