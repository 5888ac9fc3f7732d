"""`make bench`: every app's benchmarks on a scratch database, printed as a Markdown table."""

import importlib
import platform
import subprocess
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# In this order: territories import the commune base the offers are placed on; matching and
# syndication read the 100,000 offers the offers benchmark publishes.
BENCHMARKED_APPS = ["territories", "offers", "matching", "syndication"]


def _cpu() -> str:
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in lines.splitlines()
                if ln.startswith("Model name")
            ),
            "",
        )
    except OSError:
        model = ""
    return model or platform.processor() or "unknown CPU"


class Command(BaseCommand):
    help = "Run the benchmarks (imports, search, pages) and print the figures."

    def handle(self, *args: object, **options: object) -> None:
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name:
            raise CommandError(
                f"Refusing to benchmark on {name}: imports rewrite data. Use `make bench`, which "
                "points DATABASE_URL at a scratch database."
            )
        rows: list[tuple[str, str]] = []

        def report(label: str, figure: str) -> None:
            rows.append((label, figure))
            self.stdout.write(f"{label}: {figure}")

        for app in BENCHMARKED_APPS:
            importlib.import_module(f"tremplin.platform.benchmarks.{app}").run(report)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write("")
        self.stdout.write(
            f"### {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {_cpu()}, "
            f"{platform.python_implementation()} {platform.python_version()}, {engine}"
        )
        self.stdout.write("")
        self.stdout.write("| what | figure |")
        self.stdout.write("| --- | --- |")
        for label, figure in rows:
            self.stdout.write(f"| {label} | {figure} |")
