"""A stay as an iCalendar file (RFC 5545): the stay itself and each dated activity."""

from datetime import UTC, datetime, timedelta

from django.conf import settings

from tremplin.hosting.models import Stay


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

    housing = next((b.housing for b in stay.bookings.all() if b.status == "accepted"), None)
    location = housing.address if housing else stay.collectivity.name
    page = settings.SITE_URL + stay.get_absolute_url()
    event(
        f"stay-{stay.pk}",
        f"Séjour découverte — {stay.collectivity.name}",
        f"DTSTART;VALUE=DATE:{stay.start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{stay.end:%Y%m%d}",
        location,
        page,
    )
    for activity in stay.activities.all():
        if activity.starts_at is None:
            continue
        begin = activity.starts_at.astimezone(UTC)
        finish = begin + timedelta(minutes=activity.duration_minutes)
        event(
            f"stay-{stay.pk}-activity-{activity.pk}",
            activity.title,
            f"DTSTART:{begin:%Y%m%dT%H%M%SZ}",
            f"DTEND:{finish:%Y%m%dT%H%M%SZ}",
            activity.place or stay.collectivity.name,
            (activity.with_whom + "\n" if activity.with_whom else "") + activity.description,
        )
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return "\r\n".join(folded) + "\r\n"
