from django.tasks import task

from tremplin.syndication import feedfiles, services, services_alerts


@task
def deliveries_send(*, partner_id: int, offer_id: int) -> int:
    """Send the due webhooks of one partner for one offer, in order."""
    return services.deliveries_send(partner_id=partner_id, offer_id=offer_id)


@task
def deliveries_send_offers(*, partner_id: int, offer_ids: list[int]) -> int:
    """The same for several offers of one partner, one after the other (a batch of events)."""
    return sum(
        services.deliveries_send(partner_id=partner_id, offer_id=offer_id) for offer_id in offer_ids
    )


@task
def deliveries_send_due() -> int:
    """The sweep: every due webhook whose task was lost or whose worker died."""
    return services.deliveries_send_due()


@task
def alerts_send_digests() -> int:
    """The daily and weekly digests of saved searches (idempotent)."""
    return services_alerts.alerts_send_digests()


@task
def feed_files_refresh() -> bool:
    """Write the full feeds again if an offer changed and they are old enough (debounced)."""
    return feedfiles.feed_files_refresh()


@task
def feed_files_generate() -> list[str]:
    """Write the full feeds again whatever their age (daily: expiries, the build date)."""
    return feedfiles.feed_files_generate()
