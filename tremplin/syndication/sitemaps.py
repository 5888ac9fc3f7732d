"""The sitemap index (/sitemap.xml) and its sections, for search engines: published offers,
every commune profile (about 35,000), EPCI, département and région pages, the main pages.

Sections are cut in pages of 5,000 addresses (the protocol allows 50,000; smaller pages
render fast); the index lists every page.
"""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from tremplin.offers.models import Offer
from tremplin.territories.models import Commune, Departement, Epci, Region

PAGE = 5000


class OfferSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = PAGE

    def items(self) -> QuerySet[Offer]:
        return Offer.objects.live().order_by("pk").only("pk", "updated_at")

    def location(self, offer: Offer) -> str:
        return reverse("offers:detail", args=[offer.pk])

    def lastmod(self, offer: Offer) -> datetime:
        return offer.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # One aggregate instead of reading every offer (the default).
        return Offer.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class CommuneSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = PAGE

    def items(self) -> QuerySet[Commune, str]:
        return Commune.objects.order_by("insee").values_list("insee", flat=True)

    def location(self, insee: str) -> str:
        return reverse("territories:commune", args=[insee])


class AreaSitemap(Sitemap):
    """EPCI, départements and régions: a few thousand pages together."""

    changefreq = "monthly"
    priority = 0.5
    limit = PAGE

    def items(self) -> list[str]:
        return [
            *(reverse("territories:region", args=[c]) for c in Region.objects.order_by("code").values_list("code", flat=True)),
            *(reverse("territories:departement", args=[c]) for c in Departement.objects.order_by("code").values_list("code", flat=True)),
            *(reverse("territories:epci", args=[s]) for s in Epci.objects.order_by("siren").values_list("siren", flat=True)),
        ]  # fmt: skip

    def location(self, url: str) -> str:
        return url


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["core:home", "offers:search", "territories:index"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pages": PageSitemap,
    "annonces": OfferSitemap,
    "communes": CommuneSitemap,
    "territoires": AreaSitemap,
}
