from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tremplin.core.errors import RETRY_AFTER_SECONDS
from tremplin.core.health import health_report

# The home page composes the read-only selectors of the domains above (docs/architecture.md).
from tremplin.hosting import selectors as hosting_selectors
from tremplin.offers import selectors as offer_selectors

# The figures change slowly and cost four counts: computed at most once per five minutes.
HOME_FIGURES_KEY = "core:home:figures"
HOME_FIGURES_SECONDS = 300
HOME_LIST_SIZE = 6


def _home_figures() -> dict[str, int]:
    return {"offers": offer_selectors.live_offers_count(), **hosting_selectors.welcome_figures()}


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {
            "offers": offer_selectors.latest_live_offers(limit=HOME_LIST_SIZE),
            "territories": hosting_selectors.welcoming_territories(limit=HOME_LIST_SIZE),
            "figures": cache.get_or_set(HOME_FIGURES_KEY, _home_figures, HOME_FIGURES_SECONDS),
        },
    )


# The footer pages: what the platform is, what it keeps, how accessible it is, its rules.


def _operator() -> dict[str, str]:
    """Who runs this instance (settings, from the environment); "" where not given."""
    return {
        "name": settings.OPERATOR_NAME,
        "address": settings.OPERATOR_ADDRESS,
        "email": settings.OPERATOR_EMAIL,
        "director": settings.OPERATOR_PUBLICATION_DIRECTOR,
        "host": settings.OPERATOR_HOST,
        "site_url": settings.SITE_URL,
    }


@login_not_required
@require_safe
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal_notice.html", {"operator": _operator()})


@login_not_required
@require_safe
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/personal_data.html",
        {
            "operator": _operator(),
            "invitation_days": settings.INVITATION_MAX_AGE // 86400,
            "confirmation_days": settings.EMAIL_CONFIRMATION_MAX_AGE // 86400 or 1,
        },
    )


@login_not_required
@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"operator": _operator()})


@login_not_required
@require_safe
def site_map(request: HttpRequest) -> HttpResponse:
    return render(request, "core/site_map.html")


@login_not_required
@require_safe
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "core/terms.html")


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For a load balancer or a monitor: 200 when the database, the cache, the worker's
    heartbeat and the queue are fine, 503 otherwise, with the figures (core/health.py) and,
    like the outage page, a Retry-After."""
    report = health_report()
    response = JsonResponse(report, status=200 if report["ok"] else 503)
    if not report["ok"]:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
