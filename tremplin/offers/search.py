"""Text and distance search over offers, on PostgreSQL and SQLite alike.

PostgreSQL: full-text search with the `french` configuration (stemming) on a document that is
already lowercase and unaccented, so "médecin", "Medecins" and "MÉDECIN" meet. The filter and
the rank read `search_vector`, the tsvector PostgreSQL stores beside the document (migration
0004), under a GIN index (migration 0007): no document is parsed again at search time, so the
planner may as well walk the offers newest first and stop after a page.
SQLite: every word of the query, reduced to a crude French stem, must appear in the document.
Both live in `text_filter`, tested on each backend.
"""

import math

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL
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
        vector = f"{connection.ops.quote_name(queryset.model._meta.db_table)}.search_vector"
        query = "plainto_tsquery('french'::regconfig, %s)"
        text = " ".join(words)
        return queryset.annotate(
            relevance=RawSQL(f"ts_rank({vector}, {query})", [text], output_field=FloatField())
        ).filter(RawSQL(f"{vector} @@ {query}", [text], output_field=BooleanField()))
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
