"""Public, crawlable pages: the offer feeds, the sitemap, robots.txt."""

from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

from tremplin.syndication.feedfiles import feed_file_response, is_full_feed_request
from tremplin.syndication.feeds import feed_response
from tremplin.syndication.sitemaps import SITEMAPS


@login_not_required
@require_safe
def feed_rss(request: HttpRequest) -> HttpResponseBase:
    return feed_response(request, "rss")


@login_not_required
@require_safe
def feed_atom(request: HttpRequest) -> HttpResponseBase:
    return feed_response(request, "atom")


@login_not_required
@require_safe
def feed_json(request: HttpRequest) -> HttpResponseBase:
    if is_full_feed_request(request, "json"):
        return feed_file_response(request, "json")
    return feed_response(request, "json")


@login_not_required
@require_safe
def feed_jobs(request: HttpRequest) -> HttpResponseBase:
    if is_full_feed_request(request, "xml"):
        return feed_file_response(request, "xml")
    return feed_response(request, "xml")


sitemap_index = login_not_required(
    require_safe(
        cache_page(3600)(
            partial(
                sitemap_views.index,
                sitemaps=SITEMAPS,
                sitemap_url_name="syndication:sitemap_section",
            )
        )
    )
)
sitemap_section = login_not_required(
    require_safe(cache_page(3600)(partial(sitemap_views.sitemap, sitemaps=SITEMAPS)))
)


@login_not_required
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /compte/",
        "Disallow: /candidatures/",
        "Disallow: /alertes/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
