"""Personal data held by juniors: a docteur junior's interests in terrains, for the export
archive (they go with the account: `Interest.professional` cascades)."""

from tremplin.accounts.models import User
from tremplin.juniors.models import Interest


def interests_export_data(*, user: User) -> list[dict]:
    """The terrains and semesters the docteur junior marked an interest in."""
    interests = Interest.objects.filter(professional=user).select_related("terrain")
    return [
        {
            "terrain": interest.terrain.name,
            "semester": str(interest.semester),
            "semester_start": interest.semester_start.isoformat(),
            "marked_at": interest.created_at.isoformat(),
        }
        for interest in interests
    ]
