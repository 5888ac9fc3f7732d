"""French administrative units and what open data says about each commune."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:region", args=[self.code])


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    # GeoJSON geometry (lon/lat), the union of its communes' shapes simplified to ~1 km
    # (territories/shapes.py); empty when no commune of it has an outline.
    shape = models.TextField(blank=True)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("territories:departement", args=[self.code])


class Epci(models.Model):
    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("intercommunalité")
        verbose_name_plural = _("intercommunalités")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:epci", args=[self.siren])


class CommuneQuerySet(models.QuerySet["Commune"]):
    def with_indicator(self, key: str) -> "CommuneQuerySet":
        return self.filter(indicator_values__key=key)

    def municipal(self) -> "CommuneQuerySet":
        """The communes proper (COG type COM), which partition France: what counts, sums and
        ranks run over. Arrondissements are inside their city and would count twice."""
        return self.filter(kind=Commune.Kind.COMMUNE)


class Commune(models.Model):
    """A current commune (COG type COM), or a municipal arrondissement of Paris, Lyon or Marseille
    (type ARM, inside its `city`): both have a profile, and both can hold offers and welcomes."""

    class Kind(models.TextChoices):
        COMMUNE = "COM", _("commune")
        ARRONDISSEMENT = "ARM", _("arrondissement municipal")

    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(
        _("type"), max_length=3, choices=Kind.choices, default=Kind.COMMUNE, db_index=True
    )
    city = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="arrondissements",
        verbose_name=_("commune de l’arrondissement"),
    )
    # Lowercase, without accents, hyphens or apostrophes: what search compares.
    search_name = models.CharField(max_length=150, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Simplified outline as an SVG path in a 0-1000 box matching `bbox` (west, south, east, north).
    outline = models.TextField(blank=True)
    bbox = models.JSONField(null=True, blank=True)
    # GeoJSON geometry (lon/lat) simplified to ~100 m, drawn by the maps (territories/shapes.py).
    shape = models.TextField(blank=True)
    town_hall_address = models.TextField(_("adresse de la mairie"), blank=True)
    town_hall_phone = models.CharField(_("téléphone de la mairie"), max_length=40, blank=True)
    town_hall_email = models.CharField(_("e-mail de la mairie"), max_length=200, blank=True)
    town_hall_website = models.CharField(_("site de la mairie"), max_length=300, blank=True)
    town_hall_hours = models.JSONField(_("horaires de la mairie"), null=True, blank=True)
    town_hall_latitude = models.FloatField(null=True, blank=True)
    town_hall_longitude = models.FloatField(null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"]),
            models.Index(fields=["-population"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee})"

    def get_absolute_url(self) -> str:
        return reverse("territories:commune", args=[self.insee])

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()

    @property
    def is_arrondissement(self) -> bool:
        return self.kind == self.Kind.ARRONDISSEMENT


class CommuneAlias(models.Model):
    """A code that resolves to a current commune: the delegated or associated communes (former
    communes of a commune nouvelle), for data published on an older geography."""

    code = models.CharField(max_length=5, primary_key=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=4)  # COMD, COMA

    class Meta:
        verbose_name = _("ancien code de commune")
        verbose_name_plural = _("anciens codes de communes")

    def __str__(self) -> str:
        return f"{self.code} → {self.commune_id}"


class PostalCode(models.Model):
    code = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_rows")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune_id}"


class DataSource(models.Model):
    """One imported open-data file: where it comes from, which year, when it was loaded."""

    key = models.CharField(max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    publisher = models.CharField(_("producteur"), max_length=120)
    url = models.URLField(_("adresse de publication"), max_length=500, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("millésime"), null=True, blank=True)
    # The date of the text that published the data (an arrêté of classement), when known.
    published_on = models.DateField(_("publié le"), null=True, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(_("importé le"))

    class Meta:
        verbose_name = _("source de données")
        verbose_name_plural = _("sources de données")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year or '—'})"


class IndicatorValue(models.Model):
    """One figure about one commune for one year, as published by its source."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="indicator_values")
    key = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True, blank=True)
    # For categories (zonage, ZRR): the published label.
    category = models.CharField(max_length=120, blank=True)
    # Share of communes (with a value for this key and year) whose value is strictly higher:
    # 0.82 reads "plus faible que 82 % des communes".
    share_above = models.FloatField(null=True, blank=True)
    share_below = models.FloatField(null=True, blank=True)
    # The population the source weights this value by when it aggregates territories (the DREES
    # standardised population for an APL); None when the source gives none.
    weight = models.FloatField(null=True, blank=True)
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="values")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "key", "year"], name="one_value_per_year")
        ]
        indexes = [models.Index(fields=["key", "year", "value"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.key} {self.year}: {self.value if self.value is not None else self.category}"


class Place(models.Model):
    """A located facility from open data: a station, a cinema, a hospital site."""

    class Kind(models.TextChoices):
        STATION = "station", _("gare")
        CINEMA = "cinema", _("cinéma")
        HOSPITAL = "hospital", _("site hospitalier")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    external_id = models.CharField(max_length=40)
    name = models.CharField(_("nom"), max_length=250)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="places"
    )
    city = models.CharField(max_length=150, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    details = models.JSONField(default=dict, blank=True)
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="places")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="unique_place_per_kind")
        ]
        indexes = [models.Index(fields=["kind", "latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name
