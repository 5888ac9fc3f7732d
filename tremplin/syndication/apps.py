from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    name = "tremplin.syndication"
    label = "syndication"
    verbose_name = _("Diffusion")

    def ready(self) -> None:
        from tremplin.offers.events import offer_events_subscribe
        from tremplin.syndication.services import offer_events_consume

        offer_events_subscribe("syndication", offer_events_consume)
