"""Text and distance search over offers, on PostgreSQL and SQLite alike.

PostgreSQL: full-text search with the `french` configuration (stemming) on a document that is
already lowercase and unaccented, so "médecin", "Medecins" and "MÉDECIN" meet; a GIN index
covers the expression (migration 0002, PostgreSQL only).
SQLite: every word of the query, reduced to a crude French stem, must appear in the document.
Both live in `text_filter`, tested on each backend.
"""

import math

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.functions import Sqrt

from tremplin.territories.text import normalise_name

_SUFFIXES = ("issements", "issement", "ements", "ement", "ations", "ation", "euses", "euse",
             "eurs", "eur", "ives", "ive", "ifs", "if", "ies", "ie", "es", "s", "x", "e")  # fmt: skip


def french_stem(word: str) -> str:
    """A deliberately simple stem: plural and common suffixes cut, at least 4 letters kept."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def query_words(query: str) -> list[str]:
    return [word for word in normalise_name(query).split() if len(word) >= 2][:10]


def text_filter[QS: QuerySet](queryset: QS, query: str) -> QS:
    """Offers matching every word of `query`, annotated with `relevance` (higher is better)."""
    words = query_words(query)
    if not words:
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("search_document", config="french")
        search = SearchQuery(" ".join(words), config="french", search_type="plain")
        return queryset.annotate(document=vector, relevance=SearchRank(vector, search)).filter(
            document=search
        )
    for word in words:
        queryset = queryset.filter(search_document__contains=french_stem(word))
    return queryset.annotate(relevance=Value(1.0, output_field=FloatField()))


def distance_expression(latitude: float, longitude: float) -> ExpressionWrapper:
    """Distance in km from a point, equirectangular: plain arithmetic, so any database filters
    and sorts by it (within 0.5 % of the great-circle distance below 300 km)."""
    ky = 111.13
    kx = 111.32 * math.cos(math.radians(latitude))
    dy = (F("latitude") - Value(latitude)) * Value(ky)
    dx = (F("longitude") - Value(longitude)) * Value(kx)
    return ExpressionWrapper(Sqrt(dy * dy + dx * dx), output_field=FloatField())
