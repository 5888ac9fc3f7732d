"""University semesters, as docteurs juniors and interns move: by default November–April and
May–October (`SEMESTER_START_MONTHS`). A semester is booked as one stay from its first day
(arrival) to the first day of the next semester (departure)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from tremplin.hosting.dates import month_add


def _start_months() -> tuple[int, ...]:
    months = tuple(sorted(set(getattr(settings, "SEMESTER_START_MONTHS", (5, 11)))))
    if not months or any(not 1 <= month <= 12 for month in months):
        raise ValueError("SEMESTER_START_MONTHS must list months between 1 and 12.")
    return months


@dataclass(frozen=True)
class Semester:
    start: date  # first night, the arrival
    end: date  # the next semester's first day, the departure

    @property
    def key(self) -> str:
        """« 2026-11 »: how URLs, forms and CSV files name a semester."""
        return f"{self.start:%Y-%m}"

    @property
    def last_month(self) -> date:
        return month_add(self.end, -1)

    def __str__(self) -> str:
        last = self.last_month
        return _("%(first)s %(first_year)s – %(last)s %(last_year)s") % {
            "first": MONTHS[self.start.month],
            "first_year": self.start.year,
            "last": MONTHS[last.month],
            "last_year": last.year,
        }

    def nights(self) -> int:
        return (self.end - self.start).days


def semester_containing(day: date) -> Semester:
    """The semester that `day` falls in."""
    months = _start_months()
    first = date(day.year, day.month, 1)
    while first.month not in months:
        first = month_add(first, -1)
    following = month_add(first, 1)
    while following.month not in months:
        following = month_add(following, 1)
    return Semester(start=first, end=following)


def semester_from_key(key: str) -> Semester | None:
    """The semester named « 2026-11 », or None when the text names no semester start."""
    try:
        year, month = (int(part) for part in key.split("-"))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        return None
    semester = semester_containing(first)
    return semester if semester.start == first else None


def semesters_upcoming(*, today: date, count: int = 3) -> list[Semester]:
    """The next `count` semesters that have not started yet on `today`, soonest first."""
    result: list[Semester] = []
    semester = semester_containing(today)
    while len(result) < count:
        semester = semester_containing(semester.end)
        result.append(semester)
    return result
