"""Reads of syndication: the API mirror, partners' health, where an offer went."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.offers.forms_search import OfferSearchForm
from tremplin.offers.models import Offer, OfferStatus
from tremplin.offers.selectors import DEFAULT_RADIUS_KM
from tremplin.syndication.models import (
    OPEN_STATUSES,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Partner,
)

HEALTH_WINDOW = timedelta(days=7)


@dataclass
class PartnerHealth:
    partner: Partner
    total: int = 0
    accepted: int = 0
    first_try: int = 0
    failed: int = 0
    open: int = 0
    last_error: str = ""
    last_error_at: datetime | None = None

    @property
    def success_rate(self) -> float | None:
        """Share of the finished deliveries of the window that the partner accepted."""
        finished = self.accepted + self.failed
        return round(100 * self.accepted / finished, 1) if finished else None

    @property
    def first_try_rate(self) -> float | None:
        return round(100 * self.first_try / self.accepted, 1) if self.accepted else None


def partners_health(*, now: datetime | None = None) -> list[PartnerHealth]:
    """Every partner with its last 7 days of deliveries (one query, then one per partner for
    its latest error)."""
    since = (now or timezone.now()) - HEALTH_WINDOW
    partners = list(
        Partner.objects.annotate(
            total=Count("deliveries", filter=Q(deliveries__created_at__gte=since)),
            accepted=Count(
                "deliveries",
                filter=Q(
                    deliveries__created_at__gte=since,
                    deliveries__status=DeliveryStatus.ACCEPTED,
                ),
            ),
            first_try=Count(
                "deliveries",
                filter=Q(
                    deliveries__created_at__gte=since,
                    deliveries__status=DeliveryStatus.ACCEPTED,
                    deliveries__attempts=1,
                ),
            ),
            failed=Count(
                "deliveries",
                filter=Q(
                    deliveries__created_at__gte=since, deliveries__status=DeliveryStatus.FAILED
                ),
            ),
            open=Count("deliveries", filter=Q(deliveries__status__in=OPEN_STATUSES)),
        )
    )
    health = [
        PartnerHealth(
            partner=p,
            total=p.total,
            accepted=p.accepted,
            first_try=p.first_try,
            failed=p.failed,
            open=p.open,
        )
        for p in partners
    ]
    by_pk = {h.partner.pk: h for h in health}
    # The latest error of each partner.
    errors = (
        Delivery.objects.filter(partner_id__in=by_pk)
        .exclude(last_error="")
        .order_by("partner_id", "-last_attempt_at")
        .values_list("partner_id", "last_error", "last_attempt_at")
    )
    for partner_id, error, at in _first_per_partner(errors, by_pk):
        by_pk[partner_id].last_error, by_pk[partner_id].last_error_at = error, at
    return health


def _first_per_partner(rows: QuerySet[Delivery, tuple], by_pk: dict) -> list[tuple]:
    """The first row of each partner, one partner at a time (an index walk, not a scan)."""
    found = []
    for partner_id in by_pk:
        row = rows.filter(partner_id=partner_id).first()
        if row is not None:
            found.append(row)
    return found


def partner_health(partner: Partner) -> PartnerHealth:
    return next(h for h in partners_health() if h.partner.pk == partner.pk)


def partner_deliveries(partner: Partner, *, status: str = "", limit: int = 100) -> list[Delivery]:
    deliveries = Delivery.objects.filter(partner=partner).select_related("event", "offer")
    if status:
        deliveries = deliveries.filter(status=status)
    return list(deliveries.order_by("-created_at", "-pk")[:limit])


@dataclass
class PartnerChannel:
    """One partner as the author of an offer sees it: the fate of each event sent to it."""

    partner: Partner
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def latest(self) -> Delivery | None:
        return self.deliveries[0] if self.deliveries else None


@dataclass
class OfferChannels:
    offer: Offer
    is_public: bool
    partners: list[PartnerChannel]
    events: int


def offer_channels(offer: Offer) -> OfferChannels:
    """Where an offer went: the public channels while it is published, and each partner's
    deliveries (newest first)."""
    deliveries = (
        Delivery.objects.filter(offer=offer)
        .select_related("partner", "event")
        .order_by("partner__name", "partner_id", "-sequence")
    )
    channels: dict[int, PartnerChannel] = {}
    for delivery in deliveries:
        channel = channels.setdefault(delivery.partner_id, PartnerChannel(partner=delivery.partner))
        channel.deliveries.append(delivery)
    return OfferChannels(
        offer=offer,
        is_public=offer.status == OfferStatus.PUBLISHED,
        partners=list(channels.values()),
        events=DeliveryEvent.objects.filter(offer=offer).count(),
    )


def offer_search_label(form: OfferSearchForm) -> str:
    """A short French description of a valid search form, for feeds, alerts and emails."""
    data = form.cleaned_data
    parts = []
    for name in ("profession", "type", "departement", "region", "zonage", "cadre"):
        if data.get(name):
            field = cast(forms.ChoiceField, form.fields[name])
            parts.append(str(dict(_flat(field.choices)).get(data[name], data[name])))
    if form.commune is not None:
        parts.append(
            _("à %(km)s km de %(commune)s")
            % {"km": data.get("rayon") or DEFAULT_RADIUS_KM, "commune": form.commune.name}
        )
    if data.get("logement"):
        parts.append(_("avec logement"))
    if data.get("du") or data.get("au"):
        parts.append(
            " ".join(
                filter(
                    None,
                    [
                        _("du %(date)s") % {"date": data["du"].strftime("%d/%m/%Y")}
                        if data.get("du")
                        else "",
                        _("au %(date)s") % {"date": data["au"].strftime("%d/%m/%Y")}
                        if data.get("au")
                        else "",
                    ],
                )
            )
        )
    if data.get("q", "").strip():
        parts.append(f"« {data['q'].strip()} »")
    return (" · ".join(parts) or _("toutes les annonces"))[:200]


def _flat(choices: Any) -> list[tuple[str, str]]:
    """A ChoiceField's choices as Django reads them back (value, label), groups opened; the
    stubs type them as any input the setter accepts."""
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat += list(label)
        else:
            flat.append((value, label))
    return flat
