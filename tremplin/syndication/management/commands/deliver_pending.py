"""Send the webhooks that are due (cron every minute: `* * * * * manage.py deliver_pending`).

The safety net of partner deliveries: anything whose task was lost, whose worker was killed
mid-send (its lease expired) or whose retry time has come is sent here, in order per offer.
The full feeds marked stale are written again here too when due (a lost refresh task)."""

from django.core.management.base import BaseCommand, CommandParser

from tremplin.offers.events import offer_events_dispatch
from tremplin.offers.tasks import offer_events_dispatch as offer_events_dispatch_task
from tremplin.syndication.feedfiles import feed_files_refresh
from tremplin.syndication.services import deliveries_send_due
from tremplin.syndication.tasks import deliveries_send_due as deliveries_send_due_task
from tremplin.syndication.tasks import feed_files_refresh as feed_files_refresh_task


class Command(BaseCommand):
    help = "Send every due partner webhook now (or queue the sweep for the worker with --queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="Queue it for the worker.")

    def handle(self, *args: object, queue: bool, **options: object) -> None:
        if queue:
            offer_events_dispatch_task.enqueue()
            deliveries_send_due_task.enqueue()
            feed_files_refresh_task.enqueue()
            self.stdout.write(
                "offer_events_dispatch, deliveries_send_due, feed_files_refresh: queued"
            )
            return
        # Offer events whose dispatch task was lost become deliveries first.
        self.stdout.write(f"offer_events_dispatch: {offer_events_dispatch()} dispatched")
        self.stdout.write(f"deliveries_send_due: {deliveries_send_due()} accepted")
        self.stdout.write(f"feed_files_refresh: {feed_files_refresh()}")
