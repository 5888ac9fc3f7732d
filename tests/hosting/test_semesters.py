from datetime import date

import pytest

from tremplin.hosting.semesters import (
    Semester,
    semester_containing,
    semester_from_key,
    semesters_upcoming,
)


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2026, 11, 1), date(2026, 11, 1), date(2027, 5, 1)),
        (date(2027, 1, 15), date(2026, 11, 1), date(2027, 5, 1)),
        (date(2027, 4, 30), date(2026, 11, 1), date(2027, 5, 1)),
        (date(2027, 5, 1), date(2027, 5, 1), date(2027, 11, 1)),
        (date(2027, 10, 31), date(2027, 5, 1), date(2027, 11, 1)),
    ],
)
def test_default_semesters_run_november_to_april_and_may_to_october(day, start, end):
    assert semester_containing(day) == Semester(start=start, end=end)


def test_configured_months(settings):
    settings.SEMESTER_START_MONTHS = (2, 9)
    assert semester_containing(date(2027, 1, 5)) == Semester(date(2026, 9, 1), date(2027, 2, 1))
    settings.SEMESTER_START_MONTHS = (13,)
    with pytest.raises(ValueError):
        semester_containing(date(2027, 1, 5))


def test_key_text_and_nights():
    semester = Semester(date(2026, 11, 1), date(2027, 5, 1))
    assert semester.key == "2026-11"
    assert str(semester) == "novembre 2026 – avril 2027"
    assert semester.nights() == 181
    assert semester_from_key("2026-11") == semester
    assert semester_from_key("2026-12") is None
    assert semester_from_key("novembre") is None


def test_upcoming_semesters_have_not_started():
    assert semesters_upcoming(today=date(2026, 12, 2), count=2) == [
        Semester(date(2027, 5, 1), date(2027, 11, 1)),
        Semester(date(2027, 11, 1), date(2028, 5, 1)),
    ]
    assert semesters_upcoming(today=date(2027, 4, 30), count=1) == [
        Semester(date(2027, 5, 1), date(2027, 11, 1))
    ]
