"""Import every known open-data file found in a folder (TREMPLIN_OPEN_DATA_DIR for `make run`).

Files are recognised by their published names; a file already imported (same SHA-256) is
skipped, so a second `make run` costs seconds. A refused file is reported and the others go on.
"""

import fnmatch
import importlib
import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tremplin.territories.importers.base import ImportRefused, sha256_of
from tremplin.territories.models import DataSource

# (file name pattern, importer module under tremplin.territories.importers). Order matters:
# places before indicators that count them, employment zones before unemployment.
KNOWN_FILES = [
    ("drees_apl_*.xlsx", "apl"),
    ("*apl*.xlsx", "apl"),
    ("zonage_medecins*.csv", "zonage"),
    ("insee_bpe*-com-*.csv", "bpe"),
    ("*equip-*-com-*.csv", "bpe"),
    ("sncf_referentiel_gares_voyageurs_2017_with_insee.csv", "stations"),
    ("cnc_etablissements_cinematographiques*.csv", "cinemas"),
    ("eurostat_healthcare_FR_hospitals.csv", "hospitals"),
    ("onml_communes_littorales*.csv", "coastline"),
    ("anct_insee_zonages_zrr*.xls*", "zrr"),
    ("insee_ZE2020_communes*.xlsx", "employment_zones"),
    ("insee_chomage_zone_emploi*.xlsx", "unemployment"),
    ("insee_filosofi*pauvres*.xlsx", "poverty"),
]


def importer_for(name: str) -> str | None:
    for pattern, module in KNOWN_FILES:
        if fnmatch.fnmatch(name, pattern):
            return module
    return None


class Command(BaseCommand):
    help = "Import every recognised open-data file of a folder (default: $TREMPLIN_OPEN_DATA_DIR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=os.environ.get("TREMPLIN_OPEN_DATA_DIR", ""))
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: object, dir: str, force: bool, **options: Any) -> None:
        if not dir:
            self.stdout.write(
                "No open-data folder given (TREMPLIN_OPEN_DATA_DIR or --dir): "
                "profiles will say « donnée non disponible » where data is missing."
            )
            return
        folder = Path(dir).expanduser()
        if not folder.is_dir():
            raise CommandError(f"{folder} n’est pas un dossier.")
        files = sorted(folder.iterdir(), key=lambda p: _order(p.name))
        failures = 0
        for path in files:
            module_name = importer_for(path.name)
            if module_name is None:
                continue
            if not force and DataSource.objects.filter(file_sha256=sha256_of(path)).exists():
                self.stdout.write(f"{path.name}: already imported, unchanged")
                continue
            module = importlib.import_module(f"tremplin.territories.importers.{module_name}")
            started = time.monotonic()
            try:
                result = module.run(path, force=force, progress=options.get("verbosity", 1) > 0)
            except ImportRefused as refusal:
                failures += 1
                self.stderr.write(
                    self.style.ERROR(f"{path.name} refusé, rien n’a été modifié — {refusal}")
                )
                continue
            self.stdout.write(
                f"{path.name} → {result.summary()} ({time.monotonic() - started:.1f}s)"
            )
        if failures:
            raise CommandError(f"{failures} fichier(s) refusé(s).")


def _order(name: str) -> int:
    module = importer_for(name)
    modules = [m for _, m in KNOWN_FILES]
    return modules.index(module) if module in modules else len(modules)
