"""The funnel an organisation shows its elected officials or its board: views → applications →
accepted → stays → housed → installed, over the last twelve months, by month and by offer (and
by commune for a collectivité). Views and applications come from `applications.metrics`, stays
from this app.

Scope: a health organisation's own offers and the stays planned for them; a collectivité's
offers are those located in its communes (`collectivity_communes`), its stays those planned
with it or for one of those offers. Cancelled stays do not count.

Months (a cohort reading, documented in docs/funnel.md): views in the month they happened,
applications in the month they were sent (« acceptées »: those of them accepted since), stays
in the month they start; a stay is *housed* when one of its housing bookings is accepted and
*installed* when its professional answered « installé(e) » to one installation question.
"""

import json
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tremplin.applications.metrics import offers_monthly
from tremplin.hosting.models import Booking, BookingStatus, InstallationCheck, Stay
from tremplin.hosting.selectors import collectivity_communes
from tremplin.offers.models import Offer, OfferStatus
from tremplin.organisations.models import Organisation

MONTHS = 12
# Offers never shown to the public have nothing to count.
NEVER_SHOWN = [OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REFUSED]
STEP_LABELS = {
    "views": gettext_lazy("Vues"),
    "applications": gettext_lazy("Candidatures"),
    "accepted": gettext_lazy("Candidatures acceptées"),
    "stays": gettext_lazy("Séjours"),
    "housed": gettext_lazy("Séjours logés"),
    "installed": gettext_lazy("Installations"),
}


@dataclass
class FunnelCounts:
    views: int = 0
    applications: int = 0
    accepted: int = 0
    stays: int = 0
    housed: int = 0
    installed: int = 0

    def add(self, other: "FunnelCounts") -> None:
        for step in fields(self):
            setattr(self, step.name, getattr(self, step.name) + getattr(other, step.name))

    def values(self) -> list[int]:
        return [getattr(self, step.name) for step in fields(self)]

    def is_empty(self) -> bool:
        return not any(self.values())


@dataclass
class FunnelRow:
    label: str
    counts: FunnelCounts = field(default_factory=FunnelCounts)
    commune: str = ""
    url: str = ""


@dataclass
class Funnel:
    organisation: Organisation
    first_month: date
    last_month: date
    months: list[FunnelRow]
    offers: list[FunnelRow]
    communes: list[FunnelRow]
    total: FunnelCounts

    @property
    def steps(self) -> list[tuple[str, str]]:
        return [(name, str(label)) for name, label in STEP_LABELS.items()]


def _months(last_month: date, count: int) -> list[date]:
    months = [last_month]
    while len(months) < count:
        months.append((months[-1] - timedelta(days=1)).replace(day=1))
    return months[::-1]


def _scope(organisation: Organisation) -> QuerySet[Offer]:
    if organisation.is_collectivity:
        offers = Offer.objects.filter(commune__in=collectivity_communes(organisation))
    else:
        offers = Offer.objects.filter(organisation=organisation)
    return offers.exclude(status__in=NEVER_SHOWN).select_related("commune")


def _stays(
    organisation: Organisation, offers: QuerySet[Offer], *, first: date, after: date
) -> list:
    if organisation.is_collectivity:
        scope = Q(collectivity=organisation) | Q(offer__in=offers)
    else:
        scope = Q(offer__in=offers)
    accepted = Booking.objects.filter(stay=OuterRef("pk"), status=BookingStatus.ACCEPTED)
    return list(
        Stay.objects.filter(scope, cancelled_at__isnull=True, start__gte=first, start__lt=after)
        .annotate(
            housed=Exists(accepted),
            installed=Exists(InstallationCheck.objects.filter(stay=OuterRef("pk"), settled=True)),
            housing_commune=Subquery(accepted.values("housing__commune__name")[:1]),
        )
        .values("pk", "offer_id", "start", "housed", "installed", "housing_commune")
    )


def organisation_funnel(*, organisation: Organisation, today: date | None = None) -> Funnel:
    """The organisation's funnel over the last `MONTHS` months, current month included, in
    four queries whatever the number of offers."""
    today = today or timezone.localdate()
    months = _months(today.replace(day=1), MONTHS)
    first, last = months[0], months[-1]
    after = (last + timedelta(days=32)).replace(day=1)
    offers_qs = _scope(organisation)
    offers = list(offers_qs)
    monthly = offers_monthly([offer.pk for offer in offers], first_month=first, last_month=last)

    by_month = {month: FunnelRow(label=date_format(month, "F Y")) for month in months}
    by_offer = {
        offer.pk: FunnelRow(
            label=offer.title,
            commune=offer.commune.name if offer.commune else "",
            url=reverse("offers:detail", kwargs={"pk": offer.pk}),
        )
        for offer in offers
    }
    for (offer_id, month), counts in monthly.items():
        step = FunnelCounts(
            views=counts.views, applications=counts.applications, accepted=counts.accepted
        )
        by_month[month].counts.add(step)
        by_offer[offer_id].counts.add(step)

    without_offer = FunnelRow(label=_("Séjours sans annonce"))
    by_commune: dict[str, FunnelRow] = {}
    for stay in _stays(organisation, offers_qs, first=first, after=after):
        step = FunnelCounts(stays=1, housed=int(stay["housed"]), installed=int(stay["installed"]))
        by_month[stay["start"].replace(day=1)].counts.add(step)
        row = by_offer.get(stay["offer_id"], without_offer)
        row.counts.add(step)
        if row is without_offer and stay["housing_commune"]:
            by_commune.setdefault(
                stay["housing_commune"], FunnelRow(label=stay["housing_commune"])
            ).counts.add(step)
        elif row is without_offer:
            by_commune.setdefault("", FunnelRow(label=_("Commune non précisée"))).counts.add(step)

    # A live offer without any figure still tells something (nobody looked); a closed one not.
    live = {offer.pk for offer in offers if offer.status == OfferStatus.PUBLISHED}
    offer_rows = [
        row
        for pk, row in sorted(by_offer.items(), key=lambda item: (item[1].commune, item[1].label))
        if pk in live or not row.counts.is_empty()
    ]
    for row in offer_rows:
        by_commune.setdefault(
            row.commune, FunnelRow(label=row.commune or _("Commune non précisée"))
        )
        by_commune[row.commune].counts.add(row.counts)
    if not without_offer.counts.is_empty():
        offer_rows.append(without_offer)

    total = FunnelCounts()
    for row in by_month.values():
        total.add(row.counts)
    return Funnel(
        organisation=organisation,
        first_month=first,
        last_month=last,
        months=list(by_month.values()),
        offers=offer_rows,
        communes=sorted(by_commune.values(), key=lambda row: (not row.label, row.label))
        if organisation.is_collectivity
        else [],
        total=total,
    )


def funnel_table(funnel: Funnel, table: str) -> tuple[list[str], list[list[str | int]]]:
    """Headers and rows of one of the funnel's tables (`mois`, `annonces`, `communes`), as the
    CSV export writes them; KeyError for another name."""
    steps = [str(label) for label in STEP_LABELS.values()]
    if table == "mois":
        return [_("Mois"), *steps], [
            [month.strftime("%Y-%m"), *row.counts.values()]
            for month, row in zip(_months(funnel.last_month, MONTHS), funnel.months, strict=True)
        ]
    if table == "annonces":
        return [_("Annonce"), _("Commune"), *steps], [
            [row.label, row.commune, *row.counts.values()] for row in funnel.offers
        ]
    if table == "communes" and funnel.organisation.is_collectivity:
        return [_("Commune"), *steps], [
            [row.label, *row.counts.values()] for row in funnel.communes
        ]
    raise KeyError(table)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def funnel_charts(funnel: Funnel) -> list[dict[str, str]]:
    """The attributes of the `<bar-chart>` components (@gouvfr/dsfr-chart) drawing the funnel:
    its steps over the twelve months, the views by month, the later steps by month."""
    months = [row.label for row in funnel.months]
    later = [name for name in STEP_LABELS if name != "views"]
    return [
        {
            "id": "funnel-steps",
            "title": _("De la vue à l’installation, sur douze mois"),
            "x": _json([[str(label) for label in STEP_LABELS.values()]]),
            "y": _json([funnel.total.values()]),
            "name": _json([_("Douze derniers mois")]),
            # Any value of the attribute, "false" included, lays the bars flat: empty leaves it out.
            "horizontal": "true",
        },
        {
            "id": "funnel-views",
            "title": _("Vues des annonces par mois"),
            "x": _json([months]),
            "y": _json([[row.counts.views for row in funnel.months]]),
            "name": _json([str(STEP_LABELS["views"])]),
            "horizontal": "",
        },
        {
            "id": "funnel-months",
            "title": _("Candidatures, séjours et installations par mois"),
            "x": _json([months] * len(later)),
            "y": _json([[getattr(row.counts, name) for row in funnel.months] for name in later]),
            "name": _json([str(STEP_LABELS[name]) for name in later]),
            "horizontal": "",
        },
    ]
