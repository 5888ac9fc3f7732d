from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JuniorsConfig(AppConfig):
    name = "tremplin.juniors"
    label = "juniors"
    verbose_name = _("Terrains de stage des docteurs juniors")
