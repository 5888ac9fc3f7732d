from django.tasks import task

from tremplin.offers import events, services


@task
def offers_expire_daily() -> dict:
    """Warn authors a week before expiry and expire what is due (idempotent)."""
    warned, expired = services.offers_expire()
    return {"warned": warned, "expired": expired}


@task
def offer_events_dispatch() -> int:
    """Hand the pending offer events to their subscribers (idempotent: none left, nothing done)."""
    return events.offer_events_dispatch()
