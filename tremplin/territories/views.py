import math
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from tremplin.core.http import HtmxHttpRequest
from tremplin.hosting.selectors import commune_welcome
from tremplin.territories import areas, lookup, mapdata, maps, selectors, sources
from tremplin.territories.indicators import INDICATORS
from tremplin.territories.models import Commune, DataSource, Departement, Epci, Region

MAP_INDICATORS = ["apl_mg", "apl_inf", "apl_sf", "apl_cd", "unemployment"]


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("indicateur", "apl_mg")
    if key not in MAP_INDICATORS:
        key = "apl_mg"
    return render(
        request,
        "territories/index.html",
        {
            "france": maps.france_map(key),
            "map_indicator": INDICATORS[key],
            "map_choices": [INDICATORS[k] for k in MAP_INDICATORS],
            "regions": Region.objects.all(),
            "query": "",
        },
    )


@login_not_required
@require_safe
def search(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    results = selectors.commune_search(query, limit=20)
    template = "territories/_search_results.html" if request.htmx else "territories/search.html"
    return render(request, template, {"query": query, "results": results})


@login_not_required
@require_safe
def commune_suggestions(request: HttpRequest) -> JsonResponse:
    """What the commune autocomplete proposes for `q` (at most 10), as JSON."""
    query = request.GET.get("q", "")[:100]
    suggestions = [
        {
            "insee": s.insee,
            "label": s.label,
            "value": s.value,
            "postal_code": s.postal_code,
            "text": s.text,
        }
        for s in lookup.commune_suggest(query)
    ]
    response = JsonResponse({"query": query, "suggestions": suggestions})
    # The same answer for everyone, until the commune base is re-imported.
    patch_cache_control(response, public=True, max_age=300)
    return response


@login_not_required
@require_safe
def commune(request: HttpRequest, insee: str) -> HttpResponse:
    commune = selectors.commune_profile(insee)
    if commune is None:
        raise Http404
    indicators = selectors.commune_indicators(commune)
    nearby = {
        kind: selectors.commune_nearby(commune, kind=kind, limit=limit)
        for kind, limit in (("station", 1), ("cinema", 1), ("hospital", 3))
    }
    return render(
        request,
        "territories/commune.html",
        {
            "commune": commune,
            "indicators": indicators,
            "sections": selectors.indicator_sections(
                indicators, not_imported=selectors.classements_not_imported(commune)
            ),
            "nearby": nearby,
            "town_hall_point": _point_in_outline(commune),
            "sources": DataSource.objects.all(),
            "welcome": commune_welcome(commune),
            "arrondissements": selectors.arrondissements_of(commune),
        },
    )


def _point_in_outline(commune: Commune) -> tuple[int, int] | None:
    """Where the town hall sits in the outline's 0-1000 box, if both are known."""
    if not commune.bbox or commune.town_hall_latitude is None:
        return None
    west, south, east, north = commune.bbox
    scale_x = math.cos(math.radians((south + north) / 2))
    span = max((east - west) * scale_x, north - south) or 1e-9
    x = round((commune.town_hall_longitude - west) * scale_x / span * 1000)
    y = round((north - commune.town_hall_latitude) / span * 1000)
    return x, y


def _area(
    request: HttpRequest,
    *,
    title: str,
    kind: str,
    area: Epci | Departement | Region,
    scope: dict[str, str],
) -> HttpResponse:
    communes = Commune.objects.filter(**scope)
    page = Paginator(areas.communes_by_need(communes), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/area.html",
        {
            "title": title,
            "kind": kind,
            "area": area,
            "summary": areas.area_summary(communes, scope=scope),
            "page": page,
            "need_indicator": INDICATORS["apl_mg"],
        },
    )


@login_not_required
@require_safe
def epci(request: HttpRequest, siren: str) -> HttpResponse:
    area = get_object_or_404(Epci, siren=siren)
    return _area(request, title=area.name, kind="epci", area=area, scope={"epci_id": area.siren})


@login_not_required
@require_safe
def departement(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Departement.objects.select_related("region"), code=code)
    return _area(
        request, title=str(area), kind="departement", area=area, scope={"departement_id": area.code}
    )


@login_not_required
@require_safe
def region(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Region, code=code)
    return _area(request, title=area.name, kind="region", area=area, scope={"region_id": area.code})


@login_not_required
@require_safe
def data_sources(request: HttpRequest) -> HttpResponse:
    """/donnees/: every source, its edition, licence, coverage, import date and reach."""
    return render(
        request,
        "territories/data_sources.html",
        {"summaries": sources.data_sources_summary(), **sources.territory_counts()},
    )


def _map_key(request: HttpRequest) -> str | None:
    """The indicator a map colours by: "" for none, None when the request names an unknown one."""
    key = request.GET.get("indicateur", "")
    return key if key in ("", *MAP_INDICATORS) else None


def _geojson(request: HttpRequest, tag: str, build: Callable[[], str]) -> HttpResponse:
    """GeoJSON with a strong ETag of the data's version: a repeated visit costs a 304."""
    etag = f'"{tag}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(build(), content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _map_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"erreur": message}, status=status)


@login_not_required
@require_safe
@gzip_page
def map_departements(request: HttpRequest) -> HttpResponse:
    key = _map_key(request)
    if key is None:
        return _map_error(gettext("Indicateur inconnu pour la carte."), 400)
    return _geojson(
        request,
        mapdata.etag("departements", key),
        lambda: mapdata.departements_geojson(key=key),
    )


@login_not_required
@require_safe
@gzip_page
def map_communes(request: HttpRequest, code: str) -> HttpResponse:
    key = _map_key(request)
    if key is None:
        return _map_error(gettext("Indicateur inconnu pour la carte."), 400)
    if not Departement.objects.filter(code=code).exists():
        return _map_error(gettext("Département inconnu."), 404)
    return _geojson(
        request,
        mapdata.etag("communes", code, key),
        lambda: mapdata.communes_geojson(departement=code, key=key),
    )
