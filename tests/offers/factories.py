import factory
from django.utils import timezone

from tests.organisations.factories import OrganisationFactory
from tests.territories.factories import CommuneFactory
from tremplin.core.professions import Profession
from tremplin.offers.models import Offer, OfferKind, OfferStatus
from tremplin.offers.services import offer_denormalise


class OfferFactory(factory.django.DjangoModelFactory):
    """A draft replacement in a commune of the Creuse; `published=True` puts it online.

    Saved through `offer_denormalise`, like the editor does, so that search sees its place.
    """

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    kind = OfferKind.REPLACEMENT
    profession = Profession.GENERAL_PRACTITIONER
    title = factory.Sequence(lambda n: f"Remplacement de médecin généraliste n°{n}")
    description = "Remplacement en maison de santé pluriprofessionnelle, patientèle variée."
    commune = factory.SubFactory(CommuneFactory)
    status = OfferStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=OfferStatus.PUBLISHED,
            submitted_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
            renewed_at=factory.SelfAttribute("published_at"),
        )
        demo = factory.Trait(is_demo=True)

    @classmethod
    def _create(cls, model_class: type[Offer], *args: object, **kwargs: object) -> Offer:
        offer = model_class(*args, **kwargs)
        offer_denormalise(offer)
        offer.save()
        return offer
