"""Reads on offers for the public: the search behind /annonces/, its map and the API."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, cast
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F, FloatField, Q, QuerySet, TextChoices, Window
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tremplin.core.professions import Profession
from tremplin.offers.models import Offer, OfferKind, OfferStatus
from tremplin.offers.search import distance_expression, query_words, text_filter
from tremplin.territories.models import Commune

PER_PAGE = 20
MAX_PAGE = 10_000
# A search by relevance ranks at most this many matches, the newest (offer_search).
RELEVANCE_CANDIDATES = 1000
MAP_LIMIT = 500
DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 500
# Offers per page of the `updated_since` mirror.
MIRROR_PAGE = 200
# What a result list reads: the card's fields, never the description nor the search document.
CARD_FIELDS = (
    "id", "title", "kind", "profession", "start_date", "end_date", "asap", "retrocession_rate",
    "salary_min", "salary_max", "setting", "housing_offered", "supported_housing",
    "supported_welcome", "is_demo", "published_at",
    "zonage", "departement_code", "latitude", "longitude",
    "commune__insee", "commune__name", "commune__departement__code", "commune__departement__name",
    "organisation__id", "organisation__name",
)  # fmt: skip
# Labels looked up once: get_FOO_display() hashes every choice of the field on each call.
KIND_LABELS = dict(OfferKind.choices)
PROFESSION_LABELS = dict(Profession.choices)


class OfferSort(TextChoices):
    RELEVANCE = "pertinence", gettext_lazy("Pertinence")
    NEWEST = "recent", gettext_lazy("Les plus récentes")
    START = "debut", gettext_lazy("Date de début")
    DISTANCE = "distance", gettext_lazy("Distance")


# Orders that sort every match (no index gives them): see _page_ids.
FULL_PASS_SORTS = {OfferSort.RELEVANCE, OfferSort.DISTANCE, OfferSort.START}


@dataclass(frozen=True)
class OfferSearchParams:
    """A search as the page, its links and the API state it; empty values filter nothing."""

    text: str = ""
    profession: str = ""
    kind: str = ""
    period_start: date | None = None
    period_end: date | None = None
    departement: str = ""
    region: str = ""
    commune: Commune | None = None
    radius_km: int | None = None
    housing: bool = False
    zonage: str = ""
    setting: str = ""
    sort: str = ""
    page: int = 1

    @property
    def radius(self) -> int:
        return self.radius_km or DEFAULT_RADIUS_KM

    @property
    def has_period(self) -> bool:
        return bool(self.period_start or self.period_end)

    def query(self) -> dict[str, str]:
        """The URL query parameters stating this search (the names OfferSearchForm reads)."""
        pairs = {
            "q": self.text,
            "profession": self.profession,
            "type": self.kind,
            "du": self.period_start.isoformat() if self.period_start else "",
            "au": self.period_end.isoformat() if self.period_end else "",
            "departement": self.departement,
            "region": self.region,
            "commune": self.commune.insee if self.commune else "",
            "rayon": str(self.radius) if self.commune else "",
            "logement": "1" if self.housing else "",
            "zonage": self.zonage,
            "cadre": self.setting,
            "tri": self.sort,
            "page": str(self.page) if self.page > 1 else "",
        }
        return {key: value for key, value in pairs.items() if value}

    def query_string(self, **overrides: str) -> str:
        pairs = {**self.query(), **overrides}
        return urlencode({key: value for key, value in pairs.items() if value})


@dataclass(frozen=True)
class Suggestion:
    """A wider search to propose when nothing matched."""

    label: str
    params: OfferSearchParams
    count: int

    @property
    def url(self) -> str:
        return f"{reverse('offers:search')}?{self.params.query_string()}"


@dataclass
class OfferSearchResult:
    params: OfferSearchParams
    sort: str
    count: int
    # True when more than `count` offers match (a broad text search ranks the newest 1,000).
    count_capped: bool = False
    offers: list[Offer] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def with_distance(self) -> bool:
        return self.params.commune is not None

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous_query(self) -> str:
        return self.page_query(self.page - 1)

    @property
    def next_query(self) -> str:
        return self.page_query(self.page + 1)

    def page_query(self, page: int) -> str:
        return self.params.query_string(page=str(page) if page > 1 else "")


@dataclass(frozen=True)
class MapPoint:
    pk: int
    title: str
    place: str
    latitude: float
    longitude: float

    @property
    def url(self) -> str:
        return reverse("offers:detail", args=[self.pk])


@dataclass
class OfferMapResult:
    params: OfferSearchParams
    sort: str
    count: int
    points: list[MapPoint] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.count > MAP_LIMIT


def commune_for_search(code: str) -> Commune:
    """The commune a radius search is centred on, by INSEE code; a French error otherwise."""
    commune = (
        Commune.objects.select_related("departement")
        .only("insee", "name", "latitude", "longitude", "departement__code", "departement__name")
        .filter(insee=code.strip().upper())
        .first()
    )
    if commune is None:
        raise ValidationError(
            _("Aucune commune n’a le code INSEE « %(code)s ».") % {"code": code},
            code="unknown_commune",
        )
    if commune.latitude is None or commune.longitude is None:
        raise ValidationError(
            _("La position de %(name)s est inconnue : choisissez une commune voisine.")
            % {"name": commune.name},
            code="no_position",
        )
    return commune


def effective_sort(params: OfferSearchParams) -> str:
    """The order asked for when it applies, else relevance for a text search, else newest."""
    has_text = bool(query_words(params.text))
    if params.sort == OfferSort.DISTANCE and params.commune is not None:
        return OfferSort.DISTANCE
    if params.sort == OfferSort.RELEVANCE and has_text:
        return OfferSort.RELEVANCE
    if params.sort in {OfferSort.NEWEST, OfferSort.START}:
        return params.sort
    return OfferSort.RELEVANCE if has_text else OfferSort.NEWEST


def _filtered(params: OfferSearchParams) -> QuerySet[Offer]:
    offers = Offer.objects.live()
    if params.commune is not None:
        # commune_for_search() lets in located communes only.
        assert params.commune.latitude is not None and params.commune.longitude is not None
        offers = offers.within_km(
            latitude=params.commune.latitude,
            longitude=params.commune.longitude,
            km=params.radius,
        )
    if query_words(params.text):
        offers = text_filter(offers, params.text)
    exact = {
        "profession": params.profession,
        "kind": params.kind,
        "departement_code": params.departement,
        "region_code": params.region,
        "zonage": params.zonage,
        "setting": params.setting,
    }
    offers = offers.filter(**{name: value for name, value in exact.items() if value})
    if params.housing:
        offers = offers.filter(Q(housing_offered=True) | Q(supported_housing=True))
    if params.has_period:
        # [start, end] overlaps the period; no start or no end is open on that side, and an
        # offer "dès que possible" or without dates suits any period.
        overlaps = Q()
        if params.period_end:
            overlaps &= Q(start_date__isnull=True) | Q(start_date__lte=params.period_end)
        if params.period_start:
            overlaps &= Q(end_date__isnull=True) | Q(end_date__gte=params.period_start)
        offers = offers.filter(Q(asap=True) | overlaps)
    return offers


def _relevance(params: OfferSearchParams) -> F | RawSQL:
    """What a relevance sort orders by. On PostgreSQL, ts_rank over the tsvector stored by
    migration 0004: the same value as text_filter's `relevance`, without parsing again every
    matching document (seconds for a common word at 100,000 offers)."""
    if connection.vendor != "postgresql":
        return F("relevance")
    table = connection.ops.quote_name(Offer._meta.db_table)
    return RawSQL(
        f"ts_rank({table}.search_vector, plainto_tsquery('french'::regconfig, %s))",
        [" ".join(query_words(params.text))],
        output_field=FloatField(),
    )


def _ordered(offers: QuerySet[Offer], params: OfferSearchParams) -> QuerySet[Offer]:
    # Plain DESC (nulls first on PostgreSQL) so that the publication-order indexes serve it;
    # a published offer always has its publication date.
    newest = (F("published_at").desc(), F("id").desc())
    sort = effective_sort(params)
    if sort == OfferSort.RELEVANCE:
        return offers.order_by(_relevance(params).desc(), *newest)
    if sort == OfferSort.DISTANCE:
        return offers.order_by(F("distance_km").asc(), *newest)
    if sort == OfferSort.START:
        return offers.order_by(F("asap").desc(), F("start_date").asc(nulls_last=True), *newest)
    return offers.order_by(*newest)


def offers_matching(*, params: OfferSearchParams) -> QuerySet[Offer]:
    """Published offers matching `params`, in the order of the search (no page, no joins)."""
    return _ordered(_filtered(params), params)


def offer_search(*, params: OfferSearchParams) -> OfferSearchResult:
    """One page of published offers matching `params`, the total, and wider searches to try
    when nothing matched. Two or three queries whatever the page size: the page's ids and the
    total read narrow index entries; only the page's own rows are then read whole, with their
    commune and organisation."""
    sort = effective_sort(params)
    capped = False
    if sort == OfferSort.RELEVANCE:
        ids, count, page, capped = _relevance_page_ids(params, page=params.page)
    else:
        ids, count, page = _page_ids(offers_matching(params=params), sort=sort, page=params.page)
    return OfferSearchResult(
        params=params,
        sort=sort,
        count=count,
        count_capped=capped,
        offers=_cards(ids, params=params),
        page=page,
        pages=max(1, math.ceil(count / PER_PAGE)),
        suggestions=offer_search_suggestions(params=params) if count == 0 else [],
    )


def _relevance_page_ids(
    params: OfferSearchParams, *, page: int
) -> tuple[list[int], int, int, bool]:
    """A page by relevance, ranked among the RELEVANCE_CANDIDATES newest matches: one query
    that walks the matches newest first and stops after them (ranking all 47,000 offers a
    common word matches took 300 ms). Up to RELEVANCE_CANDIDATES matches that is every match,
    in the order of `offers_matching` (relevance, then newest); beyond, the count is capped
    (« plus de 1 000 ») and older matches are not ranked (narrow the search to reach them)."""
    newest = (F("published_at").desc(), F("id").desc())
    rows = list(
        _filtered(params)
        .annotate(rank=_relevance(params))
        .order_by(*newest)
        .values_list("id", "rank", "published_at")[: RELEVANCE_CANDIDATES + 1]
    )
    capped = len(rows) > RELEVANCE_CANDIDATES
    # Relevance first, then newest: ORDER BY rank DESC, published_at DESC, id DESC.
    ranked = sorted(rows[:RELEVANCE_CANDIDATES], key=lambda row: (row[1], row[2], row[0]))
    ranked.reverse()
    count = len(ranked)
    page = min(max(page, 1), max(1, math.ceil(count / PER_PAGE)))
    ids = [pk for pk, _rank, _published in ranked[(page - 1) * PER_PAGE : page * PER_PAGE]]
    return ids, count, page, capped


def _page_ids(matching: QuerySet[Offer], *, sort: str, page: int) -> tuple[list[int], int, int]:
    """The ids of a page, the total, and the page number (beyond the last: the last).

    Sorting by relevance, distance or start date reads every match anyway: the total then
    comes with the page (COUNT(*) OVER ()), saving a second pass over the matches. Sorting by
    publication walks an index and stops after the page: a separate count is cheaper."""
    page = min(max(page, 1), MAX_PAGE)
    if sort in FULL_PASS_SORTS:
        rows = list(
            matching.annotate(total=Window(Count("id"))).values_list("id", "total")[
                (page - 1) * PER_PAGE : page * PER_PAGE
            ]
        )
        if rows:
            return [pk for pk, _total in rows], rows[0][1], page
    count = matching.count()
    page = min(page, max(1, math.ceil(count / PER_PAGE)))
    if not count:
        return [], 0, page
    ids = matching.values_list("id", flat=True)[(page - 1) * PER_PAGE : page * PER_PAGE]
    return list(ids), count, page


def _cards(ids: list[int], *, params: OfferSearchParams) -> list[Offer]:
    """The offers of a page, in the page's order, with what a card shows."""
    if not ids:
        return []
    offers = (
        Offer.objects.filter(pk__in=ids)
        .select_related("commune__departement", "organisation")
        .only(*CARD_FIELDS)
    )
    if params.commune is not None:
        assert params.commune.latitude is not None and params.commune.longitude is not None
        offers = offers.annotate(
            distance_km=distance_expression(params.commune.latitude, params.commune.longitude)
        )
    by_id = {offer.pk: offer for offer in offers}
    cards = [by_id[pk] for pk in ids if pk in by_id]
    for offer in cards:
        offer.kind_label = KIND_LABELS.get(offer.kind, offer.kind)
        offer.profession_label = PROFESSION_LABELS.get(offer.profession, offer.profession)
    return cards


def offer_map(*, params: OfferSearchParams) -> OfferMapResult:
    """Up to MAP_LIMIT located results, for the map and the list beside it (docs/maps.md)."""
    sort = effective_sort(params)
    offers = offers_matching(params=params)
    count = offers.count()
    result = OfferMapResult(params=params, sort=sort, count=count)
    if count == 0:
        result.suggestions = offer_search_suggestions(params=params)
        return result
    rows = offers.exclude(latitude=None).values_list(
        "id", "title", "commune__name", "latitude", "longitude"
    )[:MAP_LIMIT]
    # Offers are placed with both coordinates of their commune or neither.
    located = cast("Iterable[tuple[int, str, str | None, float, float]]", rows)
    result.points = [
        MapPoint(pk=pk, title=title, place=place or "", latitude=latitude, longitude=longitude)
        for pk, title, place, latitude, longitude in located
    ]
    return result


def offer_search_suggestions(*, params: OfferSearchParams) -> list[Suggestion]:
    """Wider versions of a search that found nothing, with their counts: a doubled radius,
    no dates, no text, and all of these together; only those that find something."""
    reset: dict[str, Any] = {"page": 1, "sort": ""}
    widenings: list[tuple[str, dict[str, Any]]] = []
    if params.commune is not None and params.radius < MAX_RADIUS_KM:
        radius = min(params.radius * 2, MAX_RADIUS_KM)
        widenings.append(
            (
                _("Élargir le rayon à %(radius)s km autour de %(commune)s")
                % {"radius": radius, "commune": params.commune.name},
                {"radius_km": radius},
            )
        )
    if params.has_period:
        widenings.append((_("Sans les dates"), {"period_start": None, "period_end": None}))
    if params.text.strip():
        widenings.append(
            (_("Sans les mots-clés « %(text)s »") % {"text": params.text.strip()}, {"text": ""})
        )
    if len(widenings) > 1:
        combined: dict = {}
        for _label, change in widenings:
            combined.update(change)
        widenings.append((_("En élargissant tous ces critères"), combined))
    suggestions: list[Suggestion] = []
    for index, (label, change) in enumerate(widenings):
        wider = replace(params, **change, **reset)
        count = _filtered(wider).count()
        everything = index == len(widenings) - 1 and len(widenings) > 2
        if everything and count <= max((s.count for s in suggestions), default=0):
            continue  # widening everything finds nothing more than one widening does
        if count:
            suggestions.append(Suggestion(label=label, params=wider, count=count))
    return suggestions


def published_offer(pk: int) -> Offer | None:
    """A published offer with what its public description needs, or None."""
    return (
        Offer.objects.published()
        .select_related("commune__departement", "commune__region", "organisation")
        .filter(pk=pk)
        .first()
    )


@dataclass
class MirrorPage:
    offers: list[Offer]
    next_since: datetime | None = None
    next_after_id: int | None = None


def offers_changed_since(
    *, since: datetime, after_id: int | None = None, limit: int | None = None
) -> MirrorPage:
    """Offers ever published and changed at or after `since` (strictly after the pair
    (`since`, `after_id`) when `after_id` is given), oldest change first: what a partner
    mirroring Tremplin reads page after page."""
    if timezone.is_naive(since):
        since = since.replace(tzinfo=UTC)
    try:
        since = since.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError(_("Date hors des limites : %(value)s.") % {"value": since}) from None
    changed = Q(updated_at__gte=since)
    if after_id is not None:
        changed = Q(updated_at__gt=since) | Q(updated_at=since, id__gt=after_id)
    offers = list(
        Offer.objects.filter(changed, published_at__isnull=False)
        .select_related("commune__departement", "organisation")
        .order_by("updated_at", "id")[: limit or MIRROR_PAGE]
    )
    page = MirrorPage(offers=offers)
    if offers:
        page.next_since, page.next_after_id = offers[-1].updated_at, offers[-1].pk
    return page


def latest_live_offers(*, limit: int = 6) -> list[Offer]:
    """The newest live offers with what a card shows: one query (the home page)."""
    return list(
        Offer.objects.live()
        .select_related("commune__departement", "organisation")
        .order_by("-published_at", "-pk")[:limit]
    )


def live_offers_count() -> int:
    """Offers a visitor can find today: published and within their end date and lifetime."""
    return Offer.objects.live().count()


def offers_to_moderate() -> QuerySet[Offer]:
    """Offers submitted and waiting for a moderator (the queue at /annonces/moderation/)."""
    return Offer.objects.filter(status=OfferStatus.SUBMITTED)
