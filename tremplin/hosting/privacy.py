"""Personal data held by hosting: a professional's stays and housing bookings, for the export
archive."""

from datetime import date, datetime

from tremplin.accounts.models import User
from tremplin.hosting.models import Booking, Stay


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def stays_export_data(*, user: User) -> list[dict]:
    """The professional's discovery stays, for the export archive of their data."""
    stays = Stay.objects.filter(professional=user).select_related("collectivity", "offer")
    return [
        {
            "territory": stay.collectivity.name,
            "offer_id": stay.offer_id,
            "start": _iso(stay.start),
            "end": _iso(stay.end),
            "cancelled_at": _iso(stay.cancelled_at),
            "visible_to_peers": stay.peers_visible,
            "bookings": [
                {
                    "housing": b.housing.name,
                    "start": _iso(b.start),
                    "end": _iso(b.end),
                    "status": b.status,
                }
                for b in stay.bookings.select_related("housing")
            ],
            "activities": [activity.title for activity in stay.activities.all()],
            "feedback": (
                {
                    "went_well": stay.feedback.went_well,
                    "to_improve": stay.feedback.to_improve,
                    "would_come_back": stay.feedback.would_come_back,
                    "would_settle": stay.feedback.would_settle,
                    "published": stay.feedback.publish,
                }
                if hasattr(stay, "feedback")
                else None
            ),
            "installation_answers": [
                {"months": c.months, "settled": c.settled, "commune": c.commune_id}
                for c in stay.installation_checks.filter(answered_at__isnull=False)
            ],
            "messages_sent_to_peers": [m.body for m in stay.peer_messages_sent.all()],
        }
        for stay in stays
    ]


def bookings_export_data(*, user: User) -> list[dict]:
    """The professional's housing bookings outside a discovery stay (a semester, a mission's
    night, dates asked from a housing's page), for the export archive."""
    bookings = Booking.objects.filter(professional=user, stay__isnull=True).select_related(
        "housing"
    )
    return [
        {
            "housing": booking.housing.name,
            "start": _iso(booking.start),
            "end": _iso(booking.end),
            "places": booking.places,
            "semester": booking.is_semester,
            "status": booking.status,
            "requested_at": _iso(booking.created_at),
            "decided_at": _iso(booking.decided_at),
        }
        for booking in bookings.order_by("start", "pk")
    ]
