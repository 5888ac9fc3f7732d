from django.tasks import task

from tremplin.offers import services


@task
def offers_expire_daily() -> dict:
    """Warn authors a week before expiry and expire what is due (idempotent)."""
    warned, expired = services.offers_expire()
    return {"warned": warned, "expired": expired}
