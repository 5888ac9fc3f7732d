"""A stay as an iCalendar file (RFC 5545): the stay itself and each dated activity within it.

The stay is an all-day event from the arrival day to the departure day included, so its DTEND
is the day after departure (RFC 5545 §3.6.1: an all-day DTEND is exclusive). Its LOCATION is the
accepted housing's address, else the commune the stay is for."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.hosting.models import Activity, BookingStatus, Stay
from tremplin.territories.models import Commune


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def stay_ics(stay: Stay) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "tremplin"
    stamp = datetime.now(tz=UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tremplin//Sejour decouverte//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]

    def event(
        uid: str, summary: str, start: str, end: str, location: str, description: str
    ) -> None:
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{uid}@{host}",
                f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                start,
                end,
                f"SUMMARY:{_escape(summary)}",
                f"LOCATION:{_escape(location)}",
                f"DESCRIPTION:{_escape(description)}",
                "END:VEVENT",
            ]
        )

    location = stay_location(stay)
    page = settings.SITE_URL + stay.get_absolute_url()
    event(
        f"stay-{stay.pk}",
        _("Séjour découverte — %(territory)s") % {"territory": stay.collectivity.name},
        f"DTSTART;VALUE=DATE:{stay.start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{stay.end + timedelta(days=1):%Y%m%d}",
        location,
        page,
    )
    for activity in stay_activities_within(stay):
        assert activity.starts_at is not None  # stay_activities_within keeps dated ones
        begin = activity.starts_at.astimezone(UTC)
        finish = begin + timedelta(minutes=activity.duration_minutes)
        event(
            f"stay-{stay.pk}-activity-{activity.pk}",
            activity.title,
            f"DTSTART:{begin:%Y%m%dT%H%M%SZ}",
            f"DTEND:{finish:%Y%m%dT%H%M%SZ}",
            activity.place or location,
            (activity.with_whom + "\n" if activity.with_whom else "") + activity.description,
        )
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return "\r\n".join(folded) + "\r\n"


def _address(street: str, *, commune: Commune | None, postal_code: str = "", city: str = "") -> str:
    """« 2 place de la Mairie, 23500 Felletin »: the street, then the postal code and commune
    unless the street already names the commune."""
    if commune is not None:
        postal_code = postal_code or (commune.postal_code_list or [""])[0]
        city = commune.name
    town = " ".join(part for part in (postal_code, city) if part)
    if street and town and city.lower() in street.lower():
        return street
    return ", ".join(part for part in (street, town) if part)


def stay_location(stay: Stay) -> str:
    """Where the stay happens: the accepted housing's address, else the offer's commune, else
    the collectivity's own commune (its postal address), else its name."""
    booking = next((b for b in stay.bookings.all() if b.status == BookingStatus.ACCEPTED), None)
    if booking is not None:
        housing = booking.housing
        return _address(housing.address, commune=housing.commune)
    if stay.offer is not None and stay.offer.commune is not None:
        return _address("", commune=stay.offer.commune)
    collectivity = stay.collectivity
    town = _address("", commune=None, postal_code=collectivity.postal_code, city=collectivity.city)
    return town or collectivity.name


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def stay_activities_within(stay: Stay) -> list[Activity]:
    """The stay's dated activities that begin between the arrival and the departure day
    (included), in time order: one chosen for other dates is not in this stay's calendar."""
    return sorted(
        (
            activity
            for activity in stay.activities.all()
            if activity.starts_at is not None
            and stay.start <= _local_day(activity.starts_at) <= stay.end
        ),
        key=lambda activity: (activity.starts_at, activity.pk),
    )
