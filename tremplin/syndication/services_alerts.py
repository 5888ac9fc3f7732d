"""Alerts: a saved search whose new results are emailed as a daily or weekly digest.

Idempotent and batched: each alert has a cursor (offers published after it are new); the
search of every distinct query runs once per pass for all the alerts sharing it; each digest
email has a key per alert and period (`core.SentEmail`), so a second pass sends nothing.
"""

import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.core.emails import email_send
from tremplin.offers.forms_search import OfferSearchForm
from tremplin.offers.models import Offer
from tremplin.offers.selectors import OfferSearchParams, OfferSort, offers_matching
from tremplin.syndication.models import Alert, AlertFrequency, AlertKind
from tremplin.syndication.selectors import offer_search_label

# The same address may hold this many live alerts; unconfirmed ones count.
MAX_ALERTS_PER_EMAIL = 20
# Confirmation emails one address may receive in a day (anonymous creation cannot flood it).
MAX_CONFIRMATIONS_PER_DAY = 3
DIGEST_MAX_OFFERS = 20
# Slack so that a cron a few minutes early still sends the day's or the week's digest.
DUE_AFTER = {
    AlertFrequency.DAILY: timedelta(hours=20),
    AlertFrequency.WEEKLY: timedelta(days=7) - timedelta(hours=4),
}
BATCH = 500
# Territory alerts: new offers around the best-ranked communes of the matching.
TERRITORY_TOP_COMMUNES = 10
IGNORED_PARAMETERS = {"page", "vue", "tri", "csrfmiddlewaretoken"}


def _search_form(query: str) -> OfferSearchForm:
    form = OfferSearchForm(QueryDict(query))
    if not form.is_valid():
        raise ValidationError(
            [f"{form.fields[name].label if name in form.fields else ''} : {error}".strip(" :")
             for name, errors in form.errors.items() for error in errors]
        )  # fmt: skip
    return form


def _offer_params(query: str) -> OfferSearchParams:
    """The search of an offers alert, newest first, every page."""
    return replace(_search_form(query).params(), sort=OfferSort.NEWEST, page=1)


def alert_query_clean(*, kind: str, query: str) -> str:
    """The query string an alert keeps: the search's own parameters, validated, in order."""
    pairs = QueryDict(query)
    if kind == AlertKind.OFFERS:
        return _offer_params(query).query_string(tri="", page="")
    kept = [
        (k, v) for k, values in pairs.lists() if k not in IGNORED_PARAMETERS for v in values if v
    ]
    clean = QueryDict(mutable=True)
    for key, value in kept:
        clean.appendlist(key, value)
    return clean.urlencode()


def alert_label(*, kind: str, query: str) -> str:
    """A short French description of the search, for the list and the emails."""
    if kind == AlertKind.TERRITORIES:
        profession = QueryDict(query).get("profession", "")
        from tremplin.core.professions import Profession

        labels = dict(Profession.choices)
        if profession in labels:
            return _("Territoires pour : %(profession)s") % {"profession": labels[profession]}
        return _("Territoires recommandés")
    return offer_search_label(_search_form(query))


def alert_create(
    *, email: str, kind: str, query: str, frequency: str, user: User | None = None
) -> Alert:
    """Save a search as an alert. An address that is not the confirmed address of the
    signed-in user gets a confirmation email first; nothing is sent before it is confirmed."""
    email = (email or "").strip()
    if kind not in AlertKind.values:
        raise ValidationError(_("Type d’alerte inconnu."))
    if frequency not in AlertFrequency.values:
        raise ValidationError(_("Choisissez une fréquence : chaque jour ou chaque semaine."))
    query = alert_query_clean(kind=kind, query=query)
    if user is not None and not user.is_authenticated:
        user = None
    now = timezone.now()
    live = Alert.objects.filter(email__iexact=email, unsubscribed_at__isnull=True)
    same = live.filter(kind=kind, query=query).first()
    if same is not None:
        if same.frequency != frequency:
            same.frequency = frequency
            same.save(update_fields=["frequency"])
        if same.confirmed_at is None:
            _confirmation_send(same)
        return same
    if live.count() >= MAX_ALERTS_PER_EMAIL:
        raise ValidationError(
            _("Cette adresse a déjà %(count)s alertes : supprimez-en avant d’en créer d’autres.")
            % {"count": MAX_ALERTS_PER_EMAIL}
        )
    confirmed = (
        user is not None
        and user.email_confirmed_at is not None
        and user.email.lower() == email.lower()
    )
    alert = Alert(
        email=email,
        user=user if confirmed else None,
        kind=kind,
        query=query,
        label=alert_label(kind=kind, query=query),
        frequency=frequency,
        token=secrets.token_urlsafe(32),
        created_at=now,
        cursor=now,
        confirmed_at=now if confirmed else None,
    )
    alert.full_clean()
    with transaction.atomic():
        alert.save()
        if not confirmed:
            _confirmation_send(alert)
    return alert


def _link(name: str, alert: Alert) -> str:
    return settings.SITE_URL + reverse(name, args=[alert.token])


def _confirmation_send(alert: Alert) -> None:
    since = timezone.now() - timedelta(days=1)
    recent = Alert.objects.filter(
        email__iexact=alert.email, confirmed_at__isnull=True, created_at__gte=since
    ).count()
    if recent > MAX_CONFIRMATIONS_PER_DAY:
        return
    email_send(
        to=alert.email,
        template="syndication/emails/alert_confirm",
        context={
            "alert": alert,
            "confirm_url": _link("syndication:alert_confirm", alert),
            "unsubscribe_url": _link("syndication:alert_unsubscribe", alert),
            "search_url": settings.SITE_URL + alert.search_url(),
        },
        key=f"alert-{alert.pk}-confirm-{timezone.localdate().isoformat()}",
    )


def alert_confirm(*, alert: Alert) -> Alert:
    """Confirm the address; new offers count from this moment."""
    if alert.confirmed_at is None and alert.unsubscribed_at is None:
        now = timezone.now()
        alert.confirmed_at = now
        alert.cursor = now
        alert.save(update_fields=["confirmed_at", "cursor"])
    return alert


def alert_unsubscribe(*, alert: Alert) -> Alert:
    if alert.unsubscribed_at is None:
        alert.unsubscribed_at = timezone.now()
        alert.save(update_fields=["unsubscribed_at"])
    return alert


# --- Digests ---------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True) & (
        Q(frequency=AlertFrequency.DAILY, cursor__lte=now - DUE_AFTER[AlertFrequency.DAILY])
        | Q(frequency=AlertFrequency.WEEKLY, cursor__lte=now - DUE_AFTER[AlertFrequency.WEEKLY])
    )


def alerts_send_digests(*, now: datetime | None = None) -> int:
    """Email every due alert the offers published since its cursor. Returns emails queued."""
    now = now or timezone.now()
    groups = (
        Alert.objects.filter(_due(now))
        .values("kind", "query")
        .annotate(oldest=Min("cursor"))
        .order_by("kind", "query")
    )
    sent = 0
    for group in groups:
        offers = _new_offers(
            kind=group["kind"], query=group["query"], since=group["oldest"], until=now
        )
        ids = list(
            Alert.objects.filter(_due(now), kind=group["kind"], query=group["query"])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            for pk in ids[start : start + BATCH]:
                sent += alert_digest_send(alert_id=pk, offers=offers, now=now)
    return sent


def _new_offers(*, kind: str, query: str, since: datetime, until: datetime) -> list[Offer]:
    """Offers of the search published in (since, until], newest first."""
    if kind == AlertKind.TERRITORIES:
        offers = _territory_offers(query)
        if offers is None:
            return []
    else:
        try:
            offers = offers_matching(params=_offer_params(query))
        except ValidationError:
            return []  # a commune that disappeared from the base: nothing to match
    return list(
        offers.filter(published_at__gt=since, published_at__lte=until)
        .select_related("commune__departement")
        .order_by("-published_at", "-pk")[:200]
    )


def _territory_offers(query: str) -> QuerySet[Offer] | None:
    """Published offers around the communes the matching ranks first for these criteria, or
    None when the criteria no longer read (the matching form changed)."""
    from tremplin.matching.forms import MatchingForm
    from tremplin.matching.layout import NEAR_KM
    from tremplin.matching.selectors import matching_search

    form = MatchingForm(QueryDict(query))
    if not form.is_valid():
        return None
    criteria = form.criteria()
    result = matching_search(criteria=criteria, scale="communes", limit=TERRITORY_TOP_COMMUNES)
    near = Q()
    for territory in result.results:
        if territory.latitude is None or territory.longitude is None:
            continue
        # The bounding box of the matching's "offers nearby" link (NEAR_KM around the commune).
        lat_km, lon_km = NEAR_KM / 111.0, NEAR_KM / 70.0
        near |= Q(
            latitude__range=(territory.latitude - lat_km, territory.latitude + lat_km),
            longitude__range=(territory.longitude - lon_km, territory.longitude + lon_km),
        )
    if not near:
        return Offer.objects.none()
    offers = Offer.objects.live().filter(near, profession=criteria.profession)
    if criteria.offer_kinds:
        offers = offers.filter(kind__in=criteria.offer_kinds)
    return offers


def _period(alert: Alert, now: datetime) -> str:
    day = timezone.localdate(now)
    if alert.frequency == AlertFrequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def alert_digest_send(*, alert_id: int, offers: list[Offer], now: datetime) -> int:
    """One alert's digest, from the offers of its search (newest first). 1 if queued."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(_due(now), pk=alert_id).first()
        if alert is None:
            return 0  # sent by a concurrent pass, unsubscribed, or not due any more
        # Offers published in the window (_new_offers): published_at is set.
        new = [o for o in offers if o.published_at is not None and o.published_at > alert.cursor]
        if new:
            email_send(
                to=alert.email,
                template="syndication/emails/alert_digest",
                context={
                    "alert": alert,
                    "offers": new[:DIGEST_MAX_OFFERS],
                    "count": len(new),
                    "more": max(0, len(new) - DIGEST_MAX_OFFERS),
                    "search_url": settings.SITE_URL + alert.search_url(),
                    "unsubscribe_url": _link("syndication:alert_unsubscribe", alert),
                },
                key=f"alert-{alert.pk}-digest-{_period(alert, now)}",
                headers=alert_email_headers(alert),
            )
            alert.last_sent_at = now
        alert.cursor = now
        alert.save(update_fields=["cursor", "last_sent_at"])
    return 1 if new else 0


def alert_email_headers(alert: Alert) -> dict[str, str]:
    """One-click unsubscription for mail clients (RFC 2369 and RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{_link('syndication:alert_unsubscribe', alert)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
