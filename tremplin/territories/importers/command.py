import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tremplin.territories.importers.base import ImportRefused, ImportResult, fetch


class ImportCommand(BaseCommand):
    """An import command: one location (a path or a URL), a summary line, a clear refusal."""

    importer: Callable[..., ImportResult]
    default_url: str = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "location",
            nargs="?" if self.default_url else None,
            default=self.default_url,
            help="Path of the published file, or its URL.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Import even if this exact file was imported."
        )

    def handle(self, *args: object, location: str, force: bool, **options: Any) -> None:
        started = time.monotonic()
        try:
            path = fetch(location)
            result = type(self).importer(
                path, force=force, progress=options.get("verbosity", 1) > 0
            )
        except ImportRefused as refusal:
            raise CommandError(
                f"{Path(location).name} refusé, rien n’a été modifié — {refusal}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"{result.summary()} ({time.monotonic() - started:.1f}s)")
        )
