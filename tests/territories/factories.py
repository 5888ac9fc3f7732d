import factory

from tremplin.territories.models import Commune, CommuneAlias, Departement, Epci, Region
from tremplin.territories.text import normalise_name


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "75"
    name = "Nouvelle-Aquitaine"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "23"
    name = "Creuse"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("siren",)

    siren = "200067080"
    name = "CC Creuse Grand Sud"
    kind = "CC"


class CommuneFactory(factory.django.DjangoModelFactory):
    """A commune of the Creuse by default; pass insee/name/coordinates for others."""

    class Meta:
        model = Commune
        django_get_or_create = ("insee",)

    insee = factory.Sequence(lambda n: f"23{n % 900 + 100:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalise_name(o.name))
    departement = factory.SubFactory(DepartementFactory)
    region = factory.LazyAttribute(lambda o: o.departement.region)
    population = 1000
    latitude = 46.17
    longitude = 1.87


def arrondissement_make(code: str, *, city: Commune, **fields: object) -> Commune:
    """A municipal arrondissement of `city` (Paris, Lyon or Marseille)."""
    return CommuneFactory(
        insee=code,
        kind=Commune.Kind.ARRONDISSEMENT,
        city=city,
        departement=city.departement,
        region=city.region,
        **fields,
    )


class CommuneAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneAlias

    code = "23999"
    commune = factory.SubFactory(CommuneFactory)
    name = "Ancienne commune"
    kind = "COMD"
