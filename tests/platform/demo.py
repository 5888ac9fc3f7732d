import io

import pytest
from django.core.management import call_command

from tests.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    EpciFactory,
    RegionFactory,
)
from tremplin.accounts.models import User
from tremplin.hosting.models import (
    Activity,
    BookedNight,
    Booking,
    Housing,
    HousingPeriod,
    InstallationCheck,
    LocalAid,
    OfferSupport,
    Stay,
    StayFeedback,
    TerritoryPage,
)
from tremplin.juniors.models import Supervisor, Terrain, TerrainHousing, TerrainSemester
from tremplin.offers.models import Offer, OfferEvent
from tremplin.organisations.models import Membership, Organisation
from tremplin.territories.models import Commune

# The communes of the story as the base holds them (INSEE, name, EPCI SIREN and name): enough
# for the fast tests; the slow ones load the real base.
STORY_COMMUNES = [
    ("23079", "Felletin", "200044014", "Communauté de communes Creuse Grand Sud"),
    ("23008", "Aubusson", "200044014", "Communauté de communes Creuse Grand Sud"),
    ("23096", "Guéret", "200034825", "Communauté d'agglomération du Grand Guéret"),
    ("23013", "Auzances", "200067593", "Communauté de communes Marche et Combraille en Aquitaine"),
    ("23030", "Bourganeuf", "200067189", "Creuse Sud Ouest"),
    ("58062", "Château-Chinon (Ville)", "200067890", "Communauté de communes Morvan Sommets et Grands Lacs"),
    ("58180", "Montsauche-les-Settons", "200067890", "Communauté de communes Morvan Sommets et Grands Lacs"),
    ("58145", "Lormes", "200067890", "Communauté de communes Morvan Sommets et Grands Lacs"),
]  # fmt: skip
# Every table the story writes to: what "loading twice changes nothing" counts.
STORY_MODELS = [User, Organisation, Membership, Offer, OfferEvent, TerritoryPage, LocalAid,
                Housing, HousingPeriod, Activity, OfferSupport, Stay, Booking, BookedNight,
                StayFeedback, InstallationCheck, Terrain, Supervisor, TerrainSemester,
                TerrainHousing]  # fmt: skip


def story_communes_create() -> list[Commune]:
    nievre = DepartementFactory(code="58", name="Nièvre",
                                region=RegionFactory(code="27", name="Bourgogne-Franche-Comté"))  # fmt: skip
    communes = []
    for insee, name, siren, epci_name in STORY_COMMUNES:
        extra = {"departement": nievre} if insee.startswith("58") else {}
        epci = EpciFactory(siren=siren, name=epci_name)
        communes.append(
            CommuneFactory(insee=insee, name=name, epci=epci, latitude=46.0, longitude=2.0, **extra)
        )
    return communes


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORY_MODELS}


def load_demo(monkeypatch: pytest.MonkeyPatch, value: str | None = None) -> str:
    """Run `load_demo` with TREMPLIN_DEMO unset (or set to `value`); return what it printed."""
    if value is None:
        monkeypatch.delenv("TREMPLIN_DEMO", raising=False)
    else:
        monkeypatch.setenv("TREMPLIN_DEMO", value)
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()
