"""Personal data held by missions: a doctor's mission bookings, for the export archive (they go
with the account: `MissionBooking.doctor` cascades)."""

from tremplin.accounts.models import User
from tremplin.missions.models import MissionBooking


def mission_bookings_export_data(*, user: User) -> list[dict]:
    """The doctor's mission days, cancelled ones included."""
    bookings = MissionBooking.objects.filter(doctor=user).select_related("slot__site")
    return [
        {
            "site": booking.slot.site.name,
            "date": booking.slot.date.isoformat(),
            "period": booking.slot.period,
            "period_label": str(booking.slot.get_period_display()),
            "with_housing": booking.housing_booking_id is not None,
            "booked_at": booking.created_at.isoformat(),
            "cancelled_at": booking.cancelled_at.isoformat() if booking.cancelled_at else None,
        }
        for booking in bookings
    ]
