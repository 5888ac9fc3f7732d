"""The public search of offers, /annonces/: filters in the URL, a list or a map."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from tremplin.core.http import HtmxHttpRequest
from tremplin.offers import selectors
from tremplin.offers.forms_search import OfferSearchForm

MAP_VIEW = "carte"


@login_not_required
@require_safe
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = OfferSearchForm(request.GET)
    is_map = request.GET.get("vue") == MAP_VIEW
    result: selectors.OfferSearchResult | selectors.OfferMapResult | None = None
    if form.is_valid():
        params = form.params(page=request.GET.get("page", 1))
        if is_map:
            result = selectors.offer_map(params=params)
        else:
            result = selectors.offer_search(params=params)
    # htmx swaps the results only; a history restore (back button, cache miss) needs the page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request,
        "offers/_search_results.html" if partial else "offers/search.html",
        {
            "form": form,
            "result": result,
            "is_map": is_map,
            "views": _view_links(request.GET),
            "pagination": _pagination(result)
            if isinstance(result, selectors.OfferSearchResult)
            else [],
            "map_limit": selectors.MAP_LIMIT,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _view_links(query: QueryDict) -> dict[str, str]:
    """The same search as a list and as a map (back to the first page)."""
    kept = [(k, v) for k, values in query.lists() if k not in {"vue", "page"} for v in values]
    return {
        "list": "?" + urlencode(kept),
        "map": "?" + urlencode([*kept, ("vue", MAP_VIEW)]),
    }


def _pagination(result: selectors.OfferSearchResult) -> list[dict]:
    """Links to the first, last and nearby pages, with a gap (None) where pages are skipped."""
    if result.pages <= 1:
        return []
    numbers = sorted(
        {1, result.pages, *range(max(1, result.page - 2), min(result.pages, result.page + 2) + 1)}
    )
    links: list[dict] = []
    previous = 0
    for number in numbers:
        if number > previous + 1:
            links.append({"gap": True})
        links.append(
            {
                "number": number,
                "query": result.page_query(number),
                "current": number == result.page,
            }
        )
        previous = number
    return links
