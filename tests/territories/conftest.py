from pathlib import Path

import pytest

from tests.conftest import OPEN_DATA_DIR
from tremplin.territories.importers import communes
from tremplin.territories.models import (
    Commune,
    CommuneAlias,
    DataSource,
    Departement,
    Epci,
    IndicatorValue,
    Place,
    PostalCode,
    Region,
)


def real_file(name: str) -> Path:
    """A file of ../shared/data/open, or the test is skipped when it is absent."""
    path = OPEN_DATA_DIR / name
    if not path.is_file():
        pytest.skip(f"{path} absent")
    return path


@pytest.fixture(scope="class")
def commune_base(django_db_setup, django_db_blocker):
    """The whole commune base (about 15 s), loaded once for the real-file tests of a class and
    removed afterwards so that other tests start from an empty database."""
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"{wheel} absent (run `manage.py import_communes` once)")
    with django_db_blocker.unblock():
        communes.run(wheel, progress=False)
    yield
    with django_db_blocker.unblock():
        for model in (Place, IndicatorValue, DataSource, PostalCode, CommuneAlias, Commune):
            model.objects.all().delete()
        for model in (Epci, Departement, Region):
            model.objects.all().delete()
