"""Why a territory ranks where it does: each criterion's points and a short French sentence.

Only the results shown are explained (50 at most), so plain Python loops are fine here.
"""

import functools
from dataclasses import dataclass

import numpy as np
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from tremplin.matching.catchment import reach_minutes
from tremplin.matching.criteria import CRITERIA, DISTANCE_CRITERIA, RURAL_LABELS, Importance
from tremplin.matching.geometry import distances_km, unit_vectors
from tremplin.matching.layout import KIND_VALUES, NEAR_KM, UNKNOWN_KM, ZONAGE_CATEGORIES
from tremplin.matching.scoring import PROFESSION_APL, Query, Ranking
from tremplin.offers.models import OfferKind
from tremplin.territories.indicators import INDICATORS, ZONAGE_LABELS

SIZE_LABELS = {
    1: gettext_lazy("village"),
    2: gettext_lazy("petite ville"),
    3: gettext_lazy("ville moyenne"),
    4: gettext_lazy("grande ville"),
}
KIND_LABELS = dict(OfferKind.choices)
IMPORTANCE_LABELS = dict(Importance.choices)
MET, PARTIAL, UNMET, UNCOVERED = "met", "partial", "unmet", "uncovered"


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    importance: str
    satisfaction: float | None  # None: the data is unknown (counted as 0)
    points: float  # what it adds to the score out of 100
    max_points: float  # what it would add fully satisfied
    met: bool  # reaches the threshold of "indispensable"
    text: str
    # False: the source does not cover the commune; the criterion is left out of its score.
    covered: bool = True

    @property
    def summary(self) -> str:
        """One line of "Détail du score"."""
        return _("%(label)s (%(importance)s) : %(points)s points sur %(most)s — %(text)s") % {
            "label": self.label,
            "importance": self.importance_label.lower(),
            "points": _number(self.points, 1),
            "most": _number(self.max_points, 1),
            "text": self.text,
        }

    @property
    def importance_label(self) -> str:
        return str(IMPORTANCE_LABELS.get(self.importance, self.importance))

    @property
    def known(self) -> bool:
        return self.satisfaction is not None

    @property
    def state(self) -> str:
        """ "met" (the threshold of "indispensable" reached), "partial" (some points, below
        it), "unmet" (no points: not met, or unknown) or "uncovered" (outside the source)."""
        if not self.covered:
            return UNCOVERED
        # Under a twentieth of a point, shown as 0.0: no points.
        if self.satisfaction is None or self.points < 0.05:
            return UNMET
        return MET if self.met else PARTIAL


@functools.cache
def _separators(language: str | None) -> dict[int, str] | None:
    """The active language's decimal and thousand separators, when it groups by three."""
    if formats.get_format("NUMBER_GROUPING") != 3:
        return None
    return str.maketrans(
        {
            ",": formats.get_format("THOUSAND_SEPARATOR"),
            ".": formats.get_format("DECIMAL_SEPARATOR"),
        }
    )


def _number(value: float, decimals: int = 0) -> str:
    """A number as the language writes it (what `number_format` does, for hundreds of figures
    per page at a fraction of its cost)."""
    table = _separators(get_language())
    if table is None:
        return formats.number_format(value, decimal_pos=decimals, force_grouping=True)
    return f"{value:,.{decimals}f}".translate(table)


def _km(value: float) -> str:
    if value < 1:
        return _("moins d’1 km")
    return _("%(km)s km") % {"km": _number(value)}


class Explainer:
    """Sentences for the rows of one ranking."""

    def __init__(self, ranking: Ranking) -> None:
        self.ranking = ranking
        self.query: Query = ranking.query
        self.matrix = self.query.matrix
        self.criteria = self.query.criteria
        self._kind_counts: np.ndarray | None = None
        # The communes each criterion's source leaves out, as sets: 500 membership tests per
        # page (np.isin costs tens of microseconds each).
        self._uncovered = {key: set(self.query.uncovered(key).tolist()) for key in ranking.weights}
        self._origin_points: np.ndarray | None = None
        self._labels = {key: str(CRITERIA[key].label) for key in ranking.weights}
        if "zrr" in self._labels and self.matrix.rural_scheme in RURAL_LABELS:
            self._labels["zrr"] = str(RURAL_LABELS[self.matrix.rural_scheme])

    def contributions(self, row: int) -> list[Contribution]:
        """Every criterion that counts, for one commune, the largest contribution first; those
        its sources do not cover weigh nothing for it and come last."""
        weights = self.ranking.weights
        gaps = [key for key in weights if row in self._uncovered[key]]
        total = sum(weight for key, weight in weights.items() if key not in gaps)
        items = [self._gap(key) for key in gaps]
        for key, weight in weights.items():
            if key in gaps:
                continue
            satisfaction = float(self.query.satisfaction(key)[row])
            known = self._known(key, row)
            max_points = 100 * weight / total if total else 0.0
            items.append(
                Contribution(
                    key=key,
                    label=self._labels[key],
                    importance=self.criteria.importance[key],
                    satisfaction=satisfaction if known else None,
                    points=max_points * satisfaction,
                    max_points=max_points,
                    met=satisfaction >= CRITERIA[key].threshold,
                    text=self.text(key, row, satisfaction, known),
                )
            )
        return sorted(items, key=lambda c: (not c.covered, -c.points, -c.max_points))

    def _gap(self, key: str) -> Contribution:
        return Contribution(
            key=key,
            label=self._labels[key],
            importance=self.criteria.importance[key],
            satisfaction=None,
            points=0.0,
            max_points=0.0,
            met=True,
            text=_("%(criterion)s : non couvert par la source pour cette commune")
            % {"criterion": self._labels[key].lower()},
            covered=False,
        )

    def _known(self, key: str, row: int) -> bool:
        column = self.query.column_of(key)
        if column is not None:
            return bool(self.matrix.is_known(column)[row])
        if key in DISTANCE_CRITERIA:
            return bool(self.matrix.column(DISTANCE_CRITERIA[key])[row] < UNKNOWN_KM)
        if key == "proximite":
            return bool(self.matrix.positioned[row])
        if key == "taille":
            return bool(self.matrix.size_class[row] > 0)
        return True

    def text(self, key: str, row: int, satisfaction: float, known: bool) -> str:
        method = getattr(self, f"_text_{key}")
        if not known:
            return _("%(criterion)s : donnée inconnue") % {"criterion": self._labels[key].lower()}
        return method(row, satisfaction)

    def _text_besoin(self, row: int, need: float) -> str:
        """The figures the need comes from: the APL against its reference, the people around."""
        key = PROFESSION_APL[self.criteria.profession]
        label = str(INDICATORS[key].label)
        apl = float(self.matrix.raw[key][row])
        reference = self.matrix.apl_reference.get(key, float("nan"))
        decimals = INDICATORS[key].decimals
        catchment = self.matrix.catchments.get(key)
        people = _("%(people)s habitants à portée (moins de %(minutes)s min de route estimées)") % {
            "people": _number(
                round(float((self.matrix.catchment if catchment is None else catchment)[row]), -1)
            ),
            "minutes": reach_minutes(key),
        }
        if apl >= reference:
            return _("%(label)s %(apl)s, au-dessus de la référence %(reference)s") % {
                "label": label,
                "apl": _number(apl, decimals),
                "reference": _number(reference, decimals),
            }
        figures = {
            "label": label,
            "apl": _number(apl, decimals),
            "reference": _number(reference, decimals),
            "people": people,
        }
        if apl == 0:
            return _("%(label)s 0 (aucune offre accessible selon la DREES) ; %(people)s") % figures
        return _("%(label)s %(apl)s pour une référence de %(reference)s ; %(people)s") % figures

    def _text_zonage(self, row: int, satisfaction: float) -> str:
        category = ZONAGE_CATEGORIES[int(self.matrix.zonage[row])]
        return str(ZONAGE_LABELS.get(category, category))

    def _kinds_near(self, row: int) -> np.ndarray:
        """How many offers of each kind asked lie within NEAR_KM of a commune."""
        if self._kind_counts is None:
            kinds = self.criteria.offer_kinds or tuple(KIND_VALUES)
            offers, size = self.matrix.offers, self.matrix.size
            self._kind_counts = np.zeros((size, len(KIND_VALUES)), dtype=np.int32)
            for kind in kinds:
                communes = offers.communes_of(self.criteria.profession, (kind,))
                self._kind_counts[:, KIND_VALUES.index(kind)] = np.bincount(
                    communes, minlength=size
                )
        return self._kind_counts[self.matrix.neighbours(row)].sum(axis=0)

    def _text_annonces(self, row: int, satisfaction: float) -> str:
        count = round(float(self.query.offer_count()[row]))
        near = {"km": _number(NEAR_KM)}
        if count == 0:
            return _("aucune annonce à moins de %(km)s km") % near
        by_kind = self._kinds_near(row)
        kinds = [(KIND_VALUES[i], int(c)) for i, c in enumerate(by_kind) if c]
        if len(kinds) == 1:
            return ngettext(
                "%(count)s annonce (%(kind)s) à moins de %(km)s km",
                "%(count)s annonces (%(kind)s) à moins de %(km)s km",
                count,
            ) % {"count": count, "kind": str(KIND_LABELS[kinds[0][0]]).lower(), **near}
        detail = ", ".join(f"{c} {str(KIND_LABELS[kind]).lower()}" for kind, c in kinds)
        return ngettext(
            "%(count)s annonce à moins de %(km)s km (%(detail)s)",
            "%(count)s annonces à moins de %(km)s km (%(detail)s)",
            count,
        ) % {"count": count, "detail": detail, **near}

    def _text_logement(self, row: int, satisfaction: float) -> str:
        count = round(float(self.matrix.housing_count[row]))
        near = {"km": _number(NEAR_KM)}
        if count == 0:
            return _("pas de logement offert à moins de %(km)s km") % near
        return ngettext(
            "logement offert (%(count)s annonce à moins de %(km)s km)",
            "logement offert (%(count)s annonces à moins de %(km)s km)",
            count,
        ) % {"count": count, **near}

    def _text_accueil(self, row: int, satisfaction: float) -> str:
        welcome = self.matrix.welcome_of(row)
        supported = self.matrix.supported_near(row)
        near = {"km": _number(NEAR_KM)}
        if welcome is None:
            if supported:
                return ngettext(
                    "%(count)s annonce soutenue par une collectivité à moins de %(km)s km",
                    "%(count)s annonces soutenues par une collectivité à moins de %(km)s km",
                    supported,
                ) % {"count": supported, **near}
            return _("aucun accueil publié par une collectivité")
        parts = []
        if welcome.housing:
            parts.append(
                ngettext(
                    "%(count)s logement à réserver",
                    "%(count)s logements à réserver",
                    welcome.housing,
                )
                % {"count": welcome.housing}
            )
        if welcome.activities:
            parts.append(
                ngettext(
                    "%(count)s activité découverte",
                    "%(count)s activités découverte",
                    welcome.activities,
                )
                % {"count": welcome.activities}
            )
        if welcome.referent:
            parts.append(_("référent installation"))
        if not parts:
            return _("%(name)s vous accueille (page de présentation)") % {"name": welcome.name}
        return _("%(name)s vous accueille : %(parts)s") % {
            "name": welcome.name,
            "parts": ", ".join(parts),
        }

    def _distance(self, key: str, row: int, satisfaction: float, near: str, far: str) -> str:
        """`near` within the radius asked, `far` (which names the radius) beyond it."""
        km = float(self.matrix.column(DISTANCE_CRITERIA[key])[row])
        return (near if satisfaction >= 1 else far) % {
            "distance": _km(km),
            "radius": _number(self.criteria.km[key]),
        }

    def _text_gare_commune(self, row: int, satisfaction: float) -> str:
        count = int(self.matrix.raw["stations"][row])
        if count:
            return ngettext(
                "%(count)s gare voyageurs dans la commune",
                "%(count)s gares voyageurs dans la commune",
                count,
            ) % {"count": count}
        km = float(self.matrix.column("station_km")[row])
        if km >= UNKNOWN_KM:
            return _("pas de gare dans la commune")
        return _("pas de gare dans la commune ; la plus proche à %(distance)s") % {
            "distance": _km(km)
        }

    def _text_gare(self, row: int, satisfaction: float) -> str:
        here = float(self.matrix.raw["stations"][row])
        if here > 0:
            return _("gare dans la commune")
        return self._distance(
            "gare",
            row,
            satisfaction,
            # The stations of the commune itself unknown: the distance alone.
            _("gare à %(distance)s") if here != here else _("gare à %(distance)s, hors commune"),
            _("gare la plus proche à %(distance)s, au-delà des %(radius)s km demandés"),
        )

    def _text_hopital(self, row: int, satisfaction: float) -> str:
        return self._distance(
            "hopital",
            row,
            satisfaction,
            _("site hospitalier à %(distance)s"),
            _("site hospitalier le plus proche à %(distance)s, au-delà des %(radius)s km demandés"),
        )

    def _text_cinema(self, row: int, satisfaction: float) -> str:
        return self._distance(
            "cinema",
            row,
            satisfaction,
            _("cinéma à %(distance)s"),
            _("cinéma le plus proche à %(distance)s, au-delà des %(radius)s km demandés"),
        )

    def _coastal(self, row: int) -> bool:
        return bool(self.matrix.raw["coastline"][row] > 0)

    def _text_littorale(self, row: int, satisfaction: float) -> str:
        if self._coastal(row):
            return _("commune littorale (liste de l’ONML, 2019)")
        km = float(self.matrix.column("coast_km")[row])
        if km >= UNKNOWN_KM:
            return _("pas sur la liste des communes littorales")
        return _("pas sur la liste des communes littorales ; la plus proche à %(distance)s") % {
            "distance": _km(km)
        }

    def _text_littoral(self, row: int, satisfaction: float) -> str:
        if self._coastal(row):
            return _("commune littorale")
        return self._distance(
            "littoral",
            row,
            satisfaction,
            _("commune littorale à %(distance)s (de centre à centre), elle-même non littorale"),
            _(
                "commune littorale la plus proche à %(distance)s, au-delà des %(radius)s km "
                "demandés"
            ),
        )

    def _text_zrr(self, row: int, satisfaction: float) -> str:
        if self.matrix.rural_scheme == "frr":
            if satisfaction >= 1:
                return _("classée en France Ruralités Revitalisation (FRR)")
            if satisfaction > 0:
                return _("partiellement classée en FRR")
            return _("non classée en FRR")
        if satisfaction >= 1:
            return _("classée en ZRR en 2017 (classement remplacé par FRR le 1er juillet 2024)")
        if satisfaction > 0:
            return _("partiellement classée en ZRR en 2017 (remplacé par FRR en 2024)")
        return _("hors ZRR en 2017 (classement remplacé par FRR en 2024)")

    def _text_proximite(self, row: int, satisfaction: float) -> str:
        origins = self.criteria.origins
        if self._origin_points is None:  # once per page, not once per result
            self._origin_points = unit_vectors(
                np.asarray([o.latitude for o in origins]),
                np.asarray([o.longitude for o in origins]),
            )
        distances = distances_km(self._origin_points, self.matrix.xyz[row])
        nearest = int(np.argmin(distances))
        if distances[nearest] < 1:
            return _("à %(name)s") % {"name": origins[nearest].name}
        figures = {
            "distance": _km(float(distances[nearest])),
            "name": origins[nearest].name,
            "radius": _number(self.criteria.km["proximite"]),
        }
        if satisfaction >= 1:
            return _("à %(distance)s de %(name)s") % figures
        return _("à %(distance)s de %(name)s, au-delà des %(radius)s km demandés") % figures

    def _text_taille(self, row: int, satisfaction: float) -> str:
        figures = {
            "size": str(SIZE_LABELS[int(self.matrix.size_class[row])]),
            "population": _number(float(self.matrix.population[row])),
        }
        if 0 < satisfaction < 1:
            return _("%(size)s (%(population)s habitants), taille voisine de celle demandée") % (
                figures
            )
        return _("%(size)s (%(population)s habitants)") % figures

    def _count_text(self, key: str, row: int, none: str, some: tuple[str, str]) -> str:
        count = int(self.matrix.raw[key][row])
        if count == 0:
            return none
        return ngettext(some[0], some[1], count) % {"count": _number(count)}

    def _text_ecoles(self, row: int, satisfaction: float) -> str:
        return self._count_text(
            "schools_primary", row, _("pas d’école"), ("%(count)s école", "%(count)s écoles")
        )

    def _text_commerces(self, row: int, satisfaction: float) -> str:
        return self._count_text(
            "shops", row, _("pas de commerce"), ("%(count)s commerce", "%(count)s commerces")
        )

    def _text_emploi(self, row: int, share: float) -> str:
        rate = float(self.matrix.raw["unemployment"][row])
        return _(
            "chômage de la zone d’emploi à %(rate)s %% (plus faible que %(share)s %% des communes)"
        ) % {
            "rate": _number(rate, 1),
            "share": round(share * 100),
        }


# A short line: the rest is in the score's detail.
MAX_REASONS = 5
MAX_CAVEATS = 3


def explanation(contributions: list[Contribution]) -> str:
    """The criteria met, the weightiest first: "gare à 4 km ; logement offert (…)"."""
    return " ; ".join([c.text for c in contributions if c.state == MET][:MAX_REASONS])


def partials(contributions: list[Contribution]) -> str:
    """The criteria that give some points without being met, with the figures that say why
    ("à 65 km de Lyon, au-delà des 50 km demandés")."""
    return " ; ".join(c.text for c in contributions if c.state == PARTIAL)


def caveats(contributions: list[Contribution]) -> str:
    """What is not met or unknown and weighs most, for a quieter line; what the sources do not
    cover for the commune always named, first."""
    gaps = [c.text for c in contributions if c.state == UNCOVERED]
    others = [c.text for c in contributions if c.state == UNMET]
    return " ; ".join(gaps + others[: max(0, MAX_CAVEATS - len(gaps))])
