"""Reads of the matching app: a ranking with its explanations, ready for the page and the API."""

import functools
import itertools
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tremplin.accounts.models import User
from tremplin.hosting.selectors import Welcome
from tremplin.matching import criteria as criteria_module
from tremplin.matching import scoring
from tremplin.matching.criteria import CRITERIA, DISTANCE_CRITERIA, Criteria, Importance, TownSize
from tremplin.matching.explain import (
    Contribution,
    Explainer,
    _number,
    caveats,
    explanation,
    partials,
)
from tremplin.matching.geometry import distances_km
from tremplin.matching.layout import NEAR_KM
from tremplin.matching.matrix import CommuneMatrix
from tremplin.matching.models import SavedSearch
from tremplin.matching.store import matrix_current
from tremplin.offers.models import OfferKind
from tremplin.territories import maps
from tremplin.territories.indicators import INDICATORS

MAX_LIMIT = 200
# The map zooms on the results: at least this many pixels of the France map (5 px ≈ 8 km).
MIN_VIEW = 120
VIEW_MARGIN = 20
IGNORED_REASONS = {
    "not_applicable": gettext_lazy("sans objet pour votre profession"),
    "no_data": gettext_lazy("données non importées sur ce serveur"),
    "incomplete": gettext_lazy("précisez-le pour qu’il compte"),
}


@dataclass
class TerritoryResult:
    rank: int
    kind: str  # "commune" or "epci"
    code: str
    name: str
    score: float  # out of 100
    contributions: list[Contribution]
    url: str
    offers_url: str
    departement: str
    departement_name: str
    population: int | None
    latitude: float | None
    longitude: float | None
    # The commune an EPCI is ranked by; the commune itself for a commune.
    commune_code: str
    commune_name: str
    # A village (asked for): the practice place serving it, said in French.
    served_by: str = ""
    # The collectivité's welcome covering the commune (its page), and the offers a collectivité
    # supports within NEAR_KM: shown on every result, whatever the criteria.
    welcome: Welcome | None = None
    supported_offers: int = 0
    # The same score as the result before or after it: the data cannot tell them apart.
    tied: bool = False

    @property
    def score_display(self) -> int:
        return round(self.score)

    @functools.cached_property
    def explanation(self) -> str:
        return explanation(self.contributions)

    @functools.cached_property
    def partials(self) -> str:
        return partials(self.contributions)

    @functools.cached_property
    def caveats(self) -> str:
        return caveats(self.contributions)


@dataclass(frozen=True)
class AppliedCriterion:
    key: str
    label: str
    importance: str
    importance_label: str
    defaulted: bool
    detail: str
    ignored_reason: str = ""


@dataclass(frozen=True)
class Relaxation:
    key: str
    label: str
    count: int


@dataclass
class MatchingResult:
    scale: str
    count: int
    total: int
    results: list[TerritoryResult]
    applied: list[AppliedCriterion]
    relaxations: list[Relaxation] = field(default_factory=list)
    weighted: bool = True  # at least one criterion weighs
    area: str = ""  # where the territories were looked for ("en Nouvelle-Aquitaine"), "" France
    elapsed_ms: float = 0.0
    tiebreak: str = ""  # how results of equal score are ordered, said in French

    @property
    def has_ties(self) -> bool:
        return any(item.tied for item in self.results)

    @property
    def ignored(self) -> list[AppliedCriterion]:
        return [c for c in self.applied if c.ignored_reason]

    @property
    def counted(self) -> list[AppliedCriterion]:
        return [c for c in self.applied if not c.ignored_reason]

    @property
    def no_result_message(self) -> str:
        if self.count:
            return ""
        noun = _("commune") if self.scale == "communes" else _("intercommunalité")
        if self.area:
            return _("Aucune %(noun)s %(area)s ne remplit tous vos critères indispensables.") % {
                "noun": noun,
                "area": self.area,
            }
        return _("Aucune %(noun)s ne remplit tous vos critères indispensables.") % {"noun": noun}

    @property
    def relaxation_message(self) -> str:
        """Which indispensable criterion to relax, said in one sentence."""
        useful = [r for r in self.relaxations if r.count]
        if self.count or not self.relaxations:
            return ""
        if not useful:
            return _(
                "Assouplir un seul critère ne suffit pas : rendez plusieurs critères "
                "indispensables seulement importants."
            )
        best = useful[0]
        return ngettext(
            "Rendez « %(label)s » important plutôt qu’indispensable : %(count)s territoire "
            "conviendrait.",
            "Rendez « %(label)s » important plutôt qu’indispensable : %(count)s territoires "
            "conviendraient.",
            best.count,
        ) % {"label": best.label, "count": best.count}


def _criterion_detail(criteria: Criteria, key: str) -> str:
    if key == "besoin":
        apl = scoring.PROFESSION_APL.get(criteria.profession)
        return str(INDICATORS[apl].label) if apl in INDICATORS else ""
    if key == "proximite":
        if not criteria.origins:
            return ""
        names = ", ".join(f"{o.name} ({o.insee})" for o in criteria.origins)
        return _("%(names)s, à moins de %(km)s km") % {
            "names": names,
            "km": round(criteria.km["proximite"]),
        }
    if key in DISTANCE_CRITERIA:
        return _("à moins de %(km)s km") % {"km": round(criteria.km[key])}
    if key == "annonces":
        labels = dict(OfferKind.choices)
        kinds = ", ".join(str(labels[k]).lower() for k in criteria.offer_kinds)
        near = _("à moins de %(km)s km") % {"km": round(NEAR_KM)}
        return f"{kinds}, {near}" if kinds else _("tous types, %(near)s") % {"near": near}
    if key == "logement":
        return _("à moins de %(km)s km") % {"km": round(NEAR_KM)}
    if key == "accueil":
        return _("page d’une collectivité, ou annonce soutenue à moins de %(km)s km") % {
            "km": round(NEAR_KM)
        }
    if key == "taille":
        labels = dict(TownSize.choices)
        return ", ".join(str(labels[s]) for s in criteria.sizes)
    return ""


def applied_criteria(ranking: scoring.Ranking) -> list[AppliedCriterion]:
    """The criteria that count and those set aside, in the order of the form."""
    criteria = ranking.query.criteria
    ignored = {item.key: item.reason for item in ranking.ignored}
    labels = dict(Importance.choices)
    applied = []
    for key, definition in CRITERIA.items():
        if key not in ranking.weights and key not in ignored:
            continue
        importance = criteria.importance[key]
        applied.append(
            AppliedCriterion(
                key=key,
                label=str(definition.label),
                importance=importance,
                importance_label=str(labels[importance]),
                defaulted=key in criteria.defaulted,
                detail=_criterion_detail(criteria, key),
                ignored_reason=str(IGNORED_REASONS[ignored[key]]) if key in ignored else "",
            )
        )
    return applied


def _offers_url(criteria: Criteria, insee: str) -> str:
    query = {"commune": insee, "rayon": str(round(NEAR_KM)), "profession": criteria.profession}
    if len(criteria.offer_kinds) == 1:
        query["type"] = criteria.offer_kinds[0]
    return f"{reverse('offers:search')}?{urlencode(query)}"


def _result(
    matrix: CommuneMatrix,
    ranking: scoring.Ranking,
    explainer: Explainer,
    position: int,
) -> TerritoryResult:
    row = int(ranking.rows[position])
    insee = str(matrix.insee[row])
    departement = str(matrix.departement[row])
    latitude = float(matrix.latitude[row])
    longitude = float(matrix.longitude[row])
    common: dict[str, Any] = {
        "rank": position + 1,
        "score": float(ranking.scores[position]) * 100,
        "contributions": explainer.contributions(row),
        "offers_url": _offers_url(ranking.query.criteria, insee),
        "departement": departement,
        "departement_name": matrix.departement_names.get(departement, departement),
        "latitude": latitude if latitude == latitude else None,
        "longitude": longitude if longitude == longitude else None,
        "commune_code": insee,
        "commune_name": matrix.names[row],
        "welcome": matrix.welcome_of(row),
        "supported_offers": matrix.supported_near(row),
    }
    if ranking.scale == "epci":
        epci = int(ranking.epcis[position])
        siren = matrix.epci_sirens[epci]
        return TerritoryResult(
            kind="epci",
            code=siren,
            name=matrix.epci_names[epci],
            url=reverse("territories:epci", args=[siren]),
            population=round(float(matrix.epci_population[epci])) or None,
            **common,
        )
    population = float(matrix.population[row])
    return TerritoryResult(
        kind="commune",
        code=insee,
        name=matrix.names[row],
        url=reverse("territories:commune", args=[insee]),
        population=round(population) if population == population else None,
        served_by=serving_centre_text(matrix, row),
        **common,
    )


def serving_centre_text(matrix: CommuneMatrix, row: int) -> str:
    """For a village (not a place to practise): "à 7 km de Bourganeuf, qui dessert 9 200
    habitants"; "" for a practice place or a village with no centre within reach."""
    if not len(matrix.served_by) or matrix.served_by[row] < 0:
        return ""
    centre = int(matrix.served_by[row])
    km = float(distances_km(matrix.xyz[centre : centre + 1], matrix.xyz[row])[0])
    return _("à %(km)s km de %(centre)s, qui dessert %(people)s habitants") % {
        "km": _number(max(km, 1.0)),
        "centre": matrix.names[centre],
        "people": _number(round(float(matrix.catchment[centre]), -2)),
    }


def matching_search(
    *, criteria: Criteria, scale: str = "communes", limit: int = 50
) -> MatchingResult:
    """The `limit` territories that match `criteria` best, explained."""
    started = time.perf_counter()
    matrix = matrix_current()
    ranking = scoring.rank(matrix, criteria, limit=min(limit, MAX_LIMIT), scale=scale)
    explainer = Explainer(ranking)
    results = [_result(matrix, ranking, explainer, i) for i in range(len(ranking.rows))]
    _mark_ties(results)
    labels = {key: str(definition.label) for key, definition in CRITERIA.items()}
    return MatchingResult(
        scale=ranking.scale,
        count=ranking.count,
        total=ranking.total,
        results=results,
        applied=applied_criteria(ranking),
        relaxations=[
            Relaxation(key=r.key, label=labels[r.key], count=r.count) for r in ranking.relaxations
        ],
        weighted=bool(ranking.weights),
        area=criteria.area.label,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        tiebreak=tiebreak_text(criteria, ranking.tiebreak),
    )


# Scores closer than this (out of 100) are equal: what float arithmetic leaves of a tie.
TIE_TOLERANCE = 1e-4


def _mark_ties(results: list[TerritoryResult]) -> None:
    for before, after in itertools.pairwise(results):
        if abs(before.score - after.score) < TIE_TOLERANCE:
            before.tied = after.tied = True


TIEBREAK_FIGURES = {
    "gare": gettext_lazy("la distance à la gare la plus proche"),
    "hopital": gettext_lazy("la distance au site hospitalier le plus proche"),
    "cinema": gettext_lazy("la distance au cinéma le plus proche"),
    "littoral": gettext_lazy("la distance à la commune littorale la plus proche"),
    "annonces": gettext_lazy("le nombre d’annonces à proximité"),
}


def tiebreak_text(criteria: Criteria, key: str) -> str:
    """ "Ex æquo : départagés par la distance à Lyon, puis par la population."."""
    if key == "proximite":
        names = ", ".join(o.name for o in criteria.origins)
        figure = ngettext(
            "la distance à %(names)s",
            "la distance à la plus proche de %(names)s",
            len(criteria.origins),
        ) % {"names": names}
    elif key in TIEBREAK_FIGURES:
        figure = str(TIEBREAK_FIGURES[key])
    else:
        return _("Ex æquo : départagés par la population, la plus grande d’abord.")
    return _(
        "Ex æquo : départagés par %(figure)s (votre critère « %(criterion)s »), puis par la "
        "population."
    ) % {"figure": figure, "criterion": str(CRITERIA[key].label)}


@dataclass(frozen=True)
class MapPoint:
    rank: int
    title: str
    url: str
    x: float
    y: float


def _project(latitude: float, longitude: float) -> tuple[float, float]:
    x = (longitude - maps.WEST) / maps.CELL_LON * maps.CELL_PX
    y = (maps.NORTH - latitude) / maps.CELL_LAT * maps.CELL_PX
    return round(x, 1), round(y, 1)


def results_map(result: MatchingResult, origins: tuple[criteria_module.Origin, ...] = ()) -> dict:
    """The results (and the communes they must stay near) on the France map of the territories
    pages, zoomed on them; overseas results are listed apart."""
    france = maps.france_map("apl_mg")
    places: list[dict[str, Any]] = []
    for origin in origins:
        x, y = _project(origin.latitude, origin.longitude)
        if 0 <= x <= france["width"] and 0 <= y <= france["height"]:
            places.append({"name": origin.name, "x": x, "y": y})
    points: list[MapPoint] = []
    elsewhere: list[MapPoint] = []
    for item in result.results:
        if item.latitude is None or item.longitude is None:
            continue
        x, y = _project(item.latitude, item.longitude)
        point = MapPoint(
            rank=item.rank,
            title=f"{item.rank}. {item.name} — {item.score_display}/100",
            url=item.url,
            x=x,
            y=y,
        )
        inside = 0 <= x <= france["width"] and 0 <= y <= france["height"]
        (points if inside else elsewhere).append(point)
    return {
        "france": france,
        # The best last, so that it is drawn on top.
        "points": points[::-1],
        "elsewhere": elsewhere,
        "places": places,
        **_view_box(
            [(p.x, p.y) for p in points] + [(p["x"], p["y"]) for p in places],
            france["width"],
            france["height"],
        ),
    }


def _view_box(points: list[tuple[float, float]], width: float, height: float) -> dict:
    """The part of the map around the points (with a margin), and a dot size to match."""
    if not points:
        return {"view": f"0 0 {width} {height}", "radius": 3.0, "font": 12.0}
    xs, ys = [x for x, _ in points], [y for _, y in points]
    side = max(max(xs) - min(xs), max(ys) - min(ys), MIN_VIEW) + 2 * VIEW_MARGIN
    side = min(side, max(width, height))
    left = min(max(0.0, (min(xs) + max(xs) - side) / 2), max(0.0, width - side))
    top = min(max(0.0, (min(ys) + max(ys) - side) / 2), max(0.0, height - side))
    return {
        "view": f"{left:.0f} {top:.0f} {side:.0f} {side:.0f}",
        "radius": round(max(1.5, side / 120), 1),
        "font": round(max(4.0, side / 40), 1),
    }


def saved_searches_of(user: User | AnonymousUser) -> list[SavedSearch]:
    if not user.is_authenticated:
        return []
    return list(SavedSearch.objects.filter(user=user))
