import factory
from django.utils import timezone

from tremplin.syndication.models import Alert, AlertFrequency, AlertKind, Partner


class PartnerFactory(factory.django.DjangoModelFactory):
    """A partner that takes every offer; point `endpoint_url` at a test receiver."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Plateforme partenaire n°{n}")
    endpoint_url = "http://127.0.0.1:9/webhooks"
    secret = factory.Sequence(lambda n: f"whsec_secret-de-test-{n}")

    class Params:
        paused = factory.Trait(paused_at=factory.LazyFunction(timezone.now))


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    email = factory.Sequence(lambda n: f"alerte{n}@example.org")
    kind = AlertKind.OFFERS
    query = ""
    label = "toutes les annonces"
    frequency = AlertFrequency.DAILY
    token = factory.Sequence(lambda n: f"jeton-alerte-{n:040d}")
