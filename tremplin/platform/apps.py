from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    """What spans every domain: the daily jobs, the benchmarks, the demonstration set and the
    pages that gather a person's data from every app. The only app that may import all."""

    name = "tremplin.platform"
    label = "platform"
    verbose_name = _("Plateforme")
