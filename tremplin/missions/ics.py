"""A booked mission as an iCalendar file (RFC 5545): one timed event, in UTC, at the site's
address; the night's housing, when booked, is said in the description."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from tremplin.hosting.ics import _address, _escape, _fold
from tremplin.missions.models import MissionBooking


def mission_ics(booking: MissionBooking) -> str:
    slot = booking.slot
    site = slot.site
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "tremplin"
    stamp = datetime.now(tz=UTC)
    description = [
        _("Mission de solidarité territoriale — %(period)s")
        % {"period": slot.get_period_display()},
        site.organisation.name,
    ]
    if slot.secretariat:
        description.append(_("Secrétariat sur place."))
    if slot.equipment:
        description.append(_("Équipement : %(equipment)s") % {"equipment": slot.equipment})
    if booking.housing_booking is not None and slot.housing is not None:
        description.append(
            _("Logement pour la nuit : %(housing)s, %(address)s")
            % {
                "housing": slot.housing.name,
                "address": _address(slot.housing.address, commune=slot.housing.commune),
            }
        )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tremplin//Mission de solidarite//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:mission-booking-{booking.pk}@{host}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"DTSTART:{slot.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTEND:{slot.ends_at.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        "SUMMARY:" + _escape(_("Mission de solidarité — %(site)s") % {"site": site.name}),
        "LOCATION:" + _escape(_address(site.address, commune=site.commune)),
        "DESCRIPTION:" + _escape("\n".join(description)),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
