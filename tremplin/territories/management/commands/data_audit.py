"""What every open-data file gives, checked against the commune base — nothing is kept.

Each recognised file of the folder is imported as `import_opendata` would, in one transaction
rolled back at the end: per source, rows read, territories that got a value, rows not matched
with the reason, territories outside the source's coverage, and territories whose rows disagree.
The output (Markdown) is what docs/data-sources.md shows; rerun it on a newer edition.
"""

import importlib
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tremplin.territories.importers.base import ImportRefused, ImportResult
from tremplin.territories.management.commands.import_opendata import _order, importer_for
from tremplin.territories.models import Commune
from tremplin.territories.sources import source_outside, source_outside_departements


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = "Audit the open-data files of a folder against the commune base (nothing is written)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=os.environ.get("TREMPLIN_OPEN_DATA_DIR", ""))

    def handle(self, *args: object, dir: str, **options: Any) -> None:
        folder = Path(dir).expanduser() if dir else None
        if folder is None or not folder.is_dir():
            raise CommandError(
                "Dossier des données ouvertes introuvable : donnez --dir ou TREMPLIN_OPEN_DATA_DIR."
            )
        if not Commune.objects.exists():
            raise CommandError("La base des communes est vide : lancez d’abord import_communes.")
        files = [
            p
            for p in sorted(folder.iterdir(), key=lambda p: _order(p.name))
            if importer_for(p.name)
        ]
        audits: list[tuple[Path, ImportResult | str]] = []
        try:
            with transaction.atomic():
                for path in files:
                    audits.append((path, _audit(path)))
                raise _RollBack
        except _RollBack:
            pass
        self.stdout.write(audit_markdown(audits))


def _audit(path: Path) -> ImportResult | str:
    module_name = importer_for(path.name)
    module = importlib.import_module(f"tremplin.territories.importers.{module_name}")
    try:
        with transaction.atomic():
            return module.run(path, force=True, progress=False)
    except ImportRefused as refusal:
        return f"refusé : {refusal}"


def _outside(source: str) -> str:
    """Communes and arrondissements outside the source's declared coverage, with the places."""
    departements = source_outside_departements(source)
    if not departements:
        return "0"
    count = Commune.objects.filter(departement_id__in=departements).count()
    return f"{count} ({', '.join(source_outside(source))})"


def audit_markdown(audits: list[tuple[Path, ImportResult | str]]) -> str:
    communes = Commune.objects.municipal().count()
    arrondissements = Commune.objects.count() - communes
    lines = [
        f"Base : {communes} communes et {arrondissements} arrondissements municipaux.",
        "",
        "| fichier | source | lignes lues | territoires avec une valeur | territoires hors "
        "couverture | lignes non rattachées | territoires aux lignes discordantes |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for path, audit in audits:
        if isinstance(audit, str):
            lines.append(f"| `{path.name}` | — | — | — | — | {audit} | — |")
            continue
        unmatched = "; ".join(f"{n} : {reason}" for reason, n in audit.unmatched.items()) or "0"
        conflicts = "; ".join(f"{n} : {what}" for what, n in audit.conflicts.items()) or "0"
        outside = _outside(audit.source)
        lines.append(
            f"| `{path.name}` | `{audit.source}` | {audit.rows_read} | {audit.territories} | "
            f"{outside} | {unmatched} | {conflicts} |"
        )
    return "\n".join(lines) + "\n"
