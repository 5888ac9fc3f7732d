"""Send the webhooks that are due (cron every minute: `* * * * * manage.py deliver_pending`).

The safety net of partner deliveries: anything whose task was lost, whose worker was killed
mid-send (its lease expired) or whose retry time has come is sent here, in order per offer."""

from django.core.management.base import BaseCommand, CommandParser

from tremplin.syndication.services import deliveries_send_due
from tremplin.syndication.tasks import deliveries_send_due as deliveries_send_due_task


class Command(BaseCommand):
    help = "Send every due partner webhook now (or queue the sweep for the worker with --queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", action="store_true", help="Queue it for the worker.")

    def handle(self, *args: object, queue: bool, **options: object) -> None:
        if queue:
            deliveries_send_due_task.enqueue()
            self.stdout.write("deliveries_send_due: queued")
            return
        self.stdout.write(f"deliveries_send_due: {deliveries_send_due()} accepted")
