"""Dates as the hosting pages say them: « du 1er au 31 juillet 2027 », « Juillet 2027 »."""

from datetime import date

from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def month_add(first: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def day_text(day: date) -> str:
    """« 1er » for the first of a month, the number otherwise."""
    return pgettext("first day of a month", "1er") if day.day == 1 else str(day.day)


def month_text(year: int, month: int) -> str:
    """« Juillet 2027 »."""
    return f"{capfirst(str(MONTHS[month]))} {year}"


def date_range_text(start: date, end: date) -> str:
    """« du 1er au 31 juillet 2027 », « du 15 mai au 14 juin 2027 », « du 20 décembre 2027 au
    3 janvier 2028 »: the month and the year said once when both dates share them."""
    end_text = f"{day_text(end)} {MONTHS[end.month]} {end.year}"
    if (start.year, start.month) == (end.year, end.month):
        start_text = day_text(start)
    elif start.year == end.year:
        start_text = f"{day_text(start)} {MONTHS[start.month]}"
    else:
        start_text = f"{day_text(start)} {MONTHS[start.month]} {start.year}"
    return _("du %(start)s au %(end)s") % {"start": start_text, "end": end_text}
