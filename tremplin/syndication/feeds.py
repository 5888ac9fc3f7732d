"""Feeds of the offer search: RSS 2.0, Atom, JSON Feed 1.1 and the full XML job feed.

Every feed reads the URL filters of /annonces/ (OfferSearchForm) and lists the newest offers
first. RSS, Atom and JSON carry the latest `limite` offers (50 by default, 500 at most); the
job feed carries every matching offer, in the XML format of Indeed's job feeds (<source>,
<job>…), which most job aggregators import. Rows are read in chunks with `.iterator()` and
written as they come, so 100,000 offers cost the memory of one chunk. The full feeds (no
filter) are files written by a task and served as files (feedfiles.py); a filtered job feed is
streamed; RSS, Atom and JSON (500 offers at most) are built whole and cached a few minutes.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tremplin.offers.forms_search import OfferSearchForm
from tremplin.offers.jsonld import description_html
from tremplin.offers.models import OfferKind, offer_expires_on
from tremplin.offers.selectors import OfferSearchParams, OfferSort, offers_matching
from tremplin.syndication.payloads import KIND_LABELS, PROFESSION_LABELS, offer_url
from tremplin.syndication.selectors import offer_search_label

CHUNK = 1000
FEED_LIMIT = 50
MAX_FEED_LIMIT = 500
# What feed readers and proxies may keep (seconds).
FEED_MAX_AGE = 300
# Bytes gathered before a piece of the response is handed to the server.
BUFFER = 64 * 1024
SUMMARY_LENGTH = 400
FIELDS = (
    "id", "title", "description", "kind", "profession", "start_date", "end_date", "asap",
    "published_at", "renewed_at", "updated_at", "retrocession_rate", "salary_min", "salary_max",
    "housing_offered", "organisation__name", "commune__name", "commune__postal_codes",
    "commune__departement__name", "commune__region__name",
)  # fmt: skip
# Indeed's <jobtype> values.
JOB_TYPES = {
    OfferKind.REPLACEMENT: "temporary",
    OfferKind.INTERNSHIP: "internship",
    OfferKind.DISCOVERY_STAY: "temporary",
    OfferKind.COLLABORATION: "contract",
    OfferKind.ASSISTANTSHIP: "contract",
    OfferKind.SALARIED: "fulltime",
    OfferKind.INSTALLATION: "contract",
    OfferKind.SUCCESSION: "contract",
}
# Characters XML 1.0 refuses (control characters pasted from word processors).
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class FeedError(ValueError):
    pass


def feed_search(query: QueryDict) -> tuple[OfferSearchParams, str]:
    """The search stated by the query parameters, newest first, and its French label."""
    form = OfferSearchForm(query)
    if not form.is_valid():
        messages = [str(e) for errors in form.errors.values() for e in errors]
        raise FeedError(" ".join(messages))
    return replace(form.params(), sort=OfferSort.NEWEST, page=1), offer_search_label(form)


def feed_limit(value: str | None) -> int:
    try:
        number = int(value or FEED_LIMIT)
    except ValueError:
        return FEED_LIMIT
    return min(max(number, 1), MAX_FEED_LIMIT)


def feed_rows(params: OfferSearchParams, *, limit: int | None) -> Iterator[dict]:
    rows = offers_matching(params=params).values(*FIELDS)
    if limit is not None:
        rows = rows[:limit]
    return rows.iterator(chunk_size=CHUNK)


# --- Text helpers ----------------------------------------------------------------------


def _clean(text: object) -> str:
    return _INVALID_XML.sub("", str(text or ""))


def _text(value: object) -> str:
    return escape(_clean(value))


def _cdata(value: object) -> str:
    return "<![CDATA[" + _clean(value).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _rfc822(moment: datetime | None) -> str:
    return format_datetime(moment or timezone.now(), usegmt=True)


def _iso(moment: datetime | date | None) -> str:
    return moment.isoformat() if moment else ""


def _place(row: dict) -> str:
    if not row["commune__name"]:
        return ""
    return f"{row['commune__name']} ({row['commune__departement__name']})"


def _dates(row: dict) -> str:
    if row["asap"]:
        return _("dès que possible")
    start, end = row["start_date"], row["end_date"]
    if start and end:
        return _("du %(start)s au %(end)s") % {
            "start": start.strftime("%d/%m/%Y"),
            "end": end.strftime("%d/%m/%Y"),
        }
    if start:
        return _("à partir du %(start)s") % {"start": start.strftime("%d/%m/%Y")}
    return ""


def _summary(row: dict) -> str:
    """One line of what matters, then the start of the description."""
    facts = [
        str(KIND_LABELS.get(row["kind"], row["kind"])),
        str(PROFESSION_LABELS.get(row["profession"], row["profession"])),
        _place(row),
        _dates(row),
        _("logement proposé") if row["housing_offered"] else "",
        row["organisation__name"],
    ]
    head = " · ".join(fact for fact in facts if fact)
    description = " ".join((row["description"] or "").split())
    if len(description) > SUMMARY_LENGTH:
        description = description[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"
    return f"{head}\n\n{description}" if description else head


def _salary(row: dict) -> str:
    parts = []
    low, high = row["salary_min"], row["salary_max"]
    if low and high:
        parts.append(_("%(low)s à %(high)s € brut par mois") % {"low": low, "high": high})
    elif low or high:
        parts.append(_("%(amount)s € brut par mois") % {"amount": low or high})
    if row["retrocession_rate"] is not None:
        parts.append(
            _("rétrocession %(rate)s %%") % {"rate": f"{row['retrocession_rate'].normalize():f}"}
        )
    return " ; ".join(parts)


def _buffered(pieces: Iterable[str]) -> Iterator[bytes]:
    """Group small strings into pieces of about BUFFER bytes."""
    parts: list[str] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= BUFFER:
            yield "".join(parts).encode()
            parts, size = [], 0
    if parts:
        yield "".join(parts).encode()


def _in_french(pieces: Callable[[], Iterator[str]]) -> Iterator[str]:
    """Labels in French whatever language the request ran in (the stream outlives it)."""
    with translation.override("fr"):
        yield from pieces()


# --- The four formats -----------------------------------------------------------------


def rss(rows: Iterable[dict], *, title: str, link: str, self_url: str) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
    yield f"<title>{_text(title)}</title><link>{_text(link)}</link>"
    yield f"<description>{_text(_('Annonces publiées sur %(site)s') % {'site': settings.SITE_NAME})}</description>"
    yield f"<language>fr</language><lastBuildDate>{_rfc822(None)}</lastBuildDate><ttl>60</ttl>"
    yield f'<atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml"/>'
    for row in rows:
        url = offer_url(row["id"])
        yield (
            f"<item><title>{_text(row['title'])}</title><link>{_text(url)}</link>"
            f'<guid isPermaLink="true">{_text(url)}</guid>'
            # RSS readers take a description as HTML: the text goes in escaped, as HTML.
            f"<description>{_text(description_html(_summary(row)))}</description>"
            f"<pubDate>{_rfc822(row['published_at'])}</pubDate>"
            f"<category>{_text(KIND_LABELS.get(row['kind'], row['kind']))}</category>"
            f"<category>{_text(PROFESSION_LABELS.get(row['profession'], row['profession']))}</category>"
            "</item>"
        )
    yield "</channel></rss>\n"


def atom(rows: Iterable[dict], *, title: str, link: str, self_url: str) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">'
    yield f"<title>{_text(title)}</title><id>{_text(self_url)}</id>"
    yield f'<link href={quoteattr(self_url)} rel="self" type="application/atom+xml"/>'
    yield f'<link href={quoteattr(link)} rel="alternate" type="text/html"/>'
    yield f"<updated>{_iso(timezone.now())}</updated>"
    yield f"<author><name>{_text(settings.SITE_NAME)}</name><uri>{_text(settings.SITE_URL)}</uri></author>"
    for row in rows:
        url = offer_url(row["id"])
        yield (
            f"<entry><title>{_text(row['title'])}</title>"
            f'<link href={quoteattr(url)} rel="alternate"/><id>{_text(url)}</id>'
            f"<published>{_iso(row['published_at'])}</published>"
            f"<updated>{_iso(row['updated_at'])}</updated>"
            f'<summary type="text">{_text(_summary(row))}</summary>'
            f"<category term={quoteattr(row['kind'])} label={quoteattr(_clean(KIND_LABELS.get(row['kind'], '')))}/>"
            f"<category term={quoteattr(row['profession'])} label={quoteattr(_clean(PROFESSION_LABELS.get(row['profession'], '')))}/>"
            "</entry>"
        )
    yield "</feed>\n"


def json_feed(rows: Iterable[dict], *, title: str, link: str, self_url: str) -> Iterator[str]:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1), with a `_tremplin` extension."""
    head = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": link,
        "feed_url": self_url,
        "language": "fr",
        "authors": [{"name": settings.SITE_NAME, "url": settings.SITE_URL}],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
    for index, row in enumerate(rows):
        item = {
            "id": str(row["id"]),
            "url": offer_url(row["id"]),
            "title": row["title"],
            "summary": _summary(row),
            "content_text": row["description"] or row["title"],
            "date_published": _iso(row["published_at"]),
            "date_modified": _iso(row["updated_at"]),
            "tags": [
                str(KIND_LABELS.get(row["kind"], row["kind"])),
                str(PROFESSION_LABELS.get(row["profession"], row["profession"])),
            ],
            "_tremplin": {
                "kind": row["kind"],
                "profession": row["profession"],
                "commune": row["commune__name"],
                "departement": row["commune__departement__name"],
                "start_date": _iso(row["start_date"]) or None,
                "end_date": _iso(row["end_date"]) or None,
                "asap": row["asap"],
                "housing_offered": row["housing_offered"],
                "organisation": row["organisation__name"],
            },
        }
        yield ("," if index else "") + json.dumps(item, ensure_ascii=False)
    yield "]}\n"


# Indeed's XML feed specification (docs.indeed.com, « XML feed reference »): the only elements
# a feed may hold. tests/syndication/test_feeds.py parses the feed against these lists.
INDEED_SOURCE_ELEMENTS = ("publisher", "publisherurl", "lastBuildDate", "job")
INDEED_JOB_ELEMENTS = (
    "title", "date", "referencenumber", "requisitionid", "url", "company", "sourcename", "city",
    "state", "country", "postalcode", "streetaddress", "email", "description", "salary",
    "education", "jobtype", "category", "experience", "expirationdate", "remotetype",
)  # fmt: skip


def _element(name: str, value: object) -> str:
    """<name> with its value as CDATA, or nothing when there is no value (Indeed reads an
    empty element as a stated, empty value)."""
    text = _clean(value).strip()
    return f"<{name}>{_cdata(text)}</{name}>" if text else ""


def _utc(moment: datetime | None) -> str:
    """ISO 8601 in UTC (« 2026-12-02T09:30:00Z »), the format Indeed recommends."""
    moment = (moment or timezone.now()).astimezone(UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def _job_description(row: dict) -> str:
    """The offer's text, then its dates: Indeed has no element for a start date, and what the
    page shows must reach the feed."""
    text = (row["description"] or row["title"]).strip()
    dates = _dates(row)
    return f"{text}\n\n{_('Dates : %(dates)s') % {'dates': dates}}" if dates else text


def job_feed(rows: Iterable[dict], **_context: Any) -> Iterator[str]:
    """Every offer in the Indeed XML job-feed format (fields documented in
    docs/syndication.md): only elements of Indeed's specification, none of them empty."""
    yield '<?xml version="1.0" encoding="utf-8"?>\n<source>'
    yield f"<publisher>{_text(settings.SITE_NAME)}</publisher>"
    yield f"<publisherurl>{_text(settings.SITE_URL)}</publisherurl>"
    yield f"<lastBuildDate>{_rfc822(None)}</lastBuildDate>\n"
    for row in rows:
        postal_codes = (row["commune__postal_codes"] or "").split()
        expires = offer_expires_on(
            published_at=row["published_at"],
            renewed_at=row["renewed_at"],
            end_date=row["end_date"],
        )
        elements = [
            _element("title", row["title"]),
            _element("date", _utc(row["published_at"])),
            _element("referencenumber", row["id"]),
            _element("requisitionid", row["id"]),
            _element("url", offer_url(row["id"])),
            _element("company", row["organisation__name"]),
            _element("city", row["commune__name"]),
            _element("state", row["commune__region__name"]),
            _element("country", "FR"),
            _element("postalcode", postal_codes[0] if postal_codes else ""),
            _element("description", _job_description(row)),
            _element("salary", _salary(row)),
            _element("jobtype", JOB_TYPES.get(row["kind"], "contract")),
            _element("category", PROFESSION_LABELS.get(row["profession"], row["profession"])),
            _element("expirationdate", _iso(expires)),
        ]
        yield "<job>" + "".join(elements) + "</job>\n"
    yield "</source>\n"


FORMATS = {
    "rss": (rss, "application/rss+xml; charset=utf-8", True),
    "atom": (atom, "application/atom+xml; charset=utf-8", True),
    "json": (json_feed, "application/feed+json; charset=utf-8", True),
    "xml": (job_feed, "application/xml; charset=utf-8", False),
}


def feed_pieces(kind: str, query: QueryDict, *, full_path: str) -> Iterator[str]:
    """The text of feed `kind` for the search in `query`, as asked for at `full_path` (the
    feed's own URL, path and query string); FeedError when the filters are invalid."""
    writer, _content_type, limited = FORMATS[kind]
    params, label = feed_search(query)
    limit = feed_limit(query.get("limite")) if limited else None
    search_query = params.query_string(tri="", page="")
    link = (
        settings.SITE_URL + reverse("offers:search") + (f"?{search_query}" if search_query else "")
    )
    self_url = settings.SITE_URL + full_path
    with translation.override("fr"):
        title = _("%(site)s — annonces : %(label)s") % {"site": settings.SITE_NAME, "label": label}
    rows = feed_rows(params, limit=limit)
    return _in_french(lambda: writer(rows, title=title, link=link, self_url=self_url))


def feed_bytes(pieces: Iterable[str]) -> Iterator[bytes]:
    """The feed's text as UTF-8, in pieces of about BUFFER bytes."""
    return _buffered(pieces)


def feed_response(request: HttpRequest, kind: str) -> HttpResponseBase:
    """The feed `kind` of the search in the request's query string. The job feed (every
    matching offer) is streamed; RSS, Atom and JSON (500 offers at most) are built whole and
    kept FEEDS_CACHE_SECONDS in the cache, per URL."""
    _writer, content_type, limited = FORMATS[kind]
    cache_key = "feed:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    if limited and settings.FEEDS_CACHE_SECONDS and (body := cache.get(cache_key)) is not None:
        return _feed_http_response(body, content_type=content_type)
    try:
        pieces = feed_pieces(kind, request.GET, full_path=request.get_full_path())
    except FeedError as error:
        return HttpResponse(
            _("Critères de recherche invalides : %(errors)s") % {"errors": error},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if limited:
        body = b"".join(feed_bytes(pieces))
        if settings.FEEDS_CACHE_SECONDS:
            cache.set(cache_key, body, settings.FEEDS_CACHE_SECONDS)
        return _feed_http_response(body, content_type=content_type)
    response = StreamingHttpResponse(feed_bytes(pieces), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    if kind == "xml":
        response["Content-Disposition"] = 'inline; filename="tremplin-annonces.xml"'
    return response


def _feed_http_response(body: bytes, *, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response
