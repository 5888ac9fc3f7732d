"""The daily jobs, for cron (`0 6 * * * manage.py run_daily`): each is queued for the worker,
or run here with --now. Every job is idempotent: running it twice a day is harmless."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task

from tremplin.applications.tasks import (
    applications_anonymise_old,
    kept_cvs_purge_old,
    notifications_send_due,
)
from tremplin.core.tasks import task_results_prune_old
from tremplin.hosting.tasks import installation_checks_send
from tremplin.matching.tasks import matching_matrix_store
from tremplin.missions.tasks import mission_reminders_send
from tremplin.offers.tasks import offer_events_dispatch, offers_expire_daily
from tremplin.platform.tasks import moderation_digest_send
from tremplin.syndication.tasks import alerts_send_digests, deliveries_send_due, feed_files_generate

# Quoted: Task is generic for the type checker only.
DAILY: "list[Task[[], Any]]" = [
    offers_expire_daily,
    offer_events_dispatch,
    applications_anonymise_old,
    # CVs kept for application forms left unfinished (a day old).
    kept_cvs_purge_old,
    notifications_send_due,
    installation_checks_send,
    # Missions de solidarité seven days and one day ahead.
    mission_reminders_send,
    deliveries_send_due,
    alerts_send_digests,
    # After the expiry above: the full feeds written again (their offers and build date).
    feed_files_generate,
    # After the expiry above: what still waits for the moderators today.
    moderation_digest_send,
    # Finished task results older than TASKS_RESULTS_KEEP_DAYS.
    task_results_prune_old,
    # Last: the matrix of the day's data (offers expired above), stored for every web process.
    matching_matrix_store,
]


class Command(BaseCommand):
    help = (
        "Queue (or run with --now) the daily jobs: offer expiry and its warnings, anonymisation "
        "of old applications, offer events left pending, overdue message emails, installation follow-up questions, mission reminders, due "
        "partner webhooks, alert digests, the full feeds written again, the moderators' digest, the matching matrix stored for every web process, old task results pruned, CVs kept for unfinished applications erased."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run here instead of queueing.")

    def handle(self, *args: object, now: bool, **options: object) -> None:
        for job in DAILY:
            if now:
                self.stdout.write(f"{job.name}: {job.call()}")
            else:
                job.enqueue()
                self.stdout.write(f"{job.name}: queued")
