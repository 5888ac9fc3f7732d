"""What counts, per offer and per organisation: views, applications, acceptance rate, time to
first answer. The one module the funnel statistics reuse; every figure comes from here.

Definitions:
- *applications*: every application ever sent, withdrawn ones included (interest was shown);
- *acceptance rate*: accepted (or stay confirmed) applications over those that got a decision
  (accepted, confirmed or declined); `None` while nothing is decided;
- *time to first answer*: median delay between an application and the organisation's first
  answer (status change or message); `None` while nobody was answered;
- *by month* (`offers_monthly`): views in the month they happened (`OfferDayViews`, written by
  `viewcounts.py`, up to `OFFER_VIEWS_FLUSH_SECONDS` late), applications in the month they were
  sent and, among those, the ones accepted (the acceptance itself is not dated: a month's
  « acceptées » are that month's applications accepted since).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tremplin.applications.models import Application, ApplicationStatus, OfferDayViews
from tremplin.applications.viewcounts import offer_view_record
from tremplin.offers.models import Offer
from tremplin.organisations.models import Organisation

# Pages record views through this module (the one they may import from this app).
__all__ = ["offer_view_record", "offers_metrics", "offers_monthly", "organisation_metrics"]

ACCEPTED = [ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED]
DECIDED = [*ACCEPTED, ApplicationStatus.DECLINED]


@dataclass(frozen=True)
class Metrics:
    views: int
    applications: int
    accepted: int
    decided: int
    first_answer: timedelta | None

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    @property
    def acceptance_percent(self) -> int | None:
        rate = self.acceptance_rate
        return None if rate is None else round(rate * 100)

    @property
    def first_answer_hours(self) -> float | None:
        if self.first_answer is None:
            return None
        return round(self.first_answer.total_seconds() / 3600, 1)


def _median_delay(applications: QuerySet[Application]) -> dict[int | None, timedelta]:
    delays: dict[int | None, list[timedelta]] = {}
    # Answered applications only (filtered), which the stubs cannot know.
    rows = cast(
        "Iterable[tuple[int | None, datetime, datetime]]",
        applications.filter(first_answer_at__isnull=False).values_list(
            "offer_id", "created_at", "first_answer_at"
        ),
    )
    for offer_id, created_at, answered_at in rows:
        delays.setdefault(offer_id, []).append(max(answered_at - created_at, timedelta(0)))
    # median() of timedeltas works (sorting, + and / 2); typeshed allows numbers only.
    return {key: median(values) for key, values in delays.items()}  # type: ignore[type-var]


def offers_metrics(offers: QuerySet[Offer] | list[Offer]) -> dict[int, Metrics]:
    """Metrics of each offer, in three queries whatever the number of offers."""
    ids = [offer.pk for offer in offers]
    views = dict(Offer.objects.filter(pk__in=ids).values_list("pk", "views"))
    applications = Application.objects.filter(offer_id__in=ids)
    counts = {
        row["offer_id"]: row
        for row in applications.values("offer_id").annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(status__in=ACCEPTED)),
            decided=Count("pk", filter=Q(status__in=DECIDED)),
        )
    }
    delays = _median_delay(applications)
    result = {}
    for pk in ids:
        row: Mapping[str, Any] = counts.get(pk, {})
        result[pk] = Metrics(
            views=views.get(pk, 0),
            applications=row.get("total", 0),
            accepted=row.get("accepted", 0),
            decided=row.get("decided", 0),
            first_answer=delays.get(pk),
        )
    return result


def applications_metrics(offers: QuerySet[Offer]) -> Metrics:
    """Metrics over a set of offers taken together (an organisation, a territory...)."""
    applications = Application.objects.filter(offer__in=offers)
    counts = applications.aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=ACCEPTED)),
        decided=Count("pk", filter=Q(status__in=DECIDED)),
    )
    delays = [
        max(answered - created, timedelta(0))
        for created, answered in cast(
            "Iterable[tuple[datetime, datetime]]",
            applications.filter(first_answer_at__isnull=False).values_list(
                "created_at", "first_answer_at"
            ),
        )
    ]
    return Metrics(
        views=offers.aggregate(total=Sum("views"))["total"] or 0,
        applications=counts["total"],
        accepted=counts["accepted"],
        decided=counts["decided"],
        first_answer=median(delays) if delays else None,  # type: ignore[type-var]
    )


def organisation_metrics(organisation: Organisation) -> Metrics:
    return applications_metrics(Offer.objects.filter(organisation=organisation))


@dataclass
class MonthCounts:
    views: int = 0
    applications: int = 0
    accepted: int = 0


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def offers_monthly(
    offer_ids: Iterable[int], *, first_month: date, last_month: date
) -> dict[tuple[int, date], MonthCounts]:
    """Views, applications and accepted applications of each offer and month, from the first
    day of `first_month` to the end of `last_month`, in two queries. Absent keys are zeros."""
    ids = list(offer_ids)
    first = first_month.replace(day=1)
    after = (last_month.replace(day=1) + timedelta(days=32)).replace(day=1)
    result: dict[tuple[int, date], MonthCounts] = {}
    views = (
        OfferDayViews.objects.filter(offer_id__in=ids, day__gte=first, day__lt=after)
        .annotate(month=TruncMonth("day"))
        .values("offer_id", "month")
        .annotate(total=Sum("views"))
    )
    for row in views:
        key = (row["offer_id"], _month(row["month"]))
        result.setdefault(key, MonthCounts()).views += row["total"]
    zone = timezone.get_current_timezone()
    applications = (
        Application.objects.filter(
            offer_id__in=ids,
            created_at__gte=datetime.combine(first, time.min, tzinfo=zone),
            created_at__lt=datetime.combine(after, time.min, tzinfo=zone),
        )
        .annotate(month=TruncMonth("created_at"))
        .values("offer_id", "month")
        .annotate(total=Count("pk"), accepted=Count("pk", filter=Q(status__in=ACCEPTED)))
    )
    for row in applications:
        counts = result.setdefault((row["offer_id"], _month(row["month"])), MonthCounts())
        counts.applications += row["total"]
        counts.accepted += row["accepted"]
    return result
