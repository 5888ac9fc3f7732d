"""Who may see an application and its documents: the one place that decides.

The candidate, the members of the offer's organisation, and moderators once the thread is
reported. Anyone else gets a 404, the same as for an id that does not exist, so that guessing
ids teaches nothing.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from tremplin.accounts.models import User
from tremplin.applications.models import Application, Document, Side
from tremplin.offers.models import Offer, OfferStatus
from tremplin.organisations.models import Organisation

MODERATOR = "moderator"


def side_of(user: User, application: Application) -> str | None:
    if not user.is_authenticated:
        return None
    if application.candidate_id == user.pk:
        return Side.CANDIDATE
    if application.offer.organisation.memberships.filter(user=user).exists():
        return Side.ORGANISATION
    if user.is_moderator and application.reported_at is not None:
        return MODERATOR
    return None


def get_application_for_user(user: User, pk: int) -> tuple[Application, str]:
    application = get_object_or_404(
        Application.objects.select_related(
            "offer__organisation", "offer__commune", "candidate__professional_profile", "cv"
        ),
        pk=pk,
    )
    side = side_of(user, application)
    if side is None:
        raise Http404
    return application, side


def get_document_for_user(user: User, pk: int) -> tuple[Document, Application | None]:
    """A document its owner may open, or one sent in an application the user may read."""
    document = get_object_or_404(Document, pk=pk)
    applications = Application.objects.filter(
        Q(cv=document) | Q(messages__attachment=document)
    ).select_related("offer__organisation")
    for application in applications.distinct():
        if side_of(user, application) is not None:
            return document, application
    if document.owner_id == user.pk:
        return document, None
    raise Http404


def get_offer_to_apply(pk: int) -> Offer:
    return get_object_or_404(
        Offer.objects.select_related("organisation", "commune"),
        pk=pk,
        status=OfferStatus.PUBLISHED,
    )


def get_health_organisation_for_member(user: User, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.health(), pk=pk)
    if not organisation.memberships.filter(user=user).exists():
        raise Http404
    return organisation
