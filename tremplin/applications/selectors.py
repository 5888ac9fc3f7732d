"""Reads: the candidate's applications, an organisation's inbox, favourites."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet

from tremplin.accounts.models import ProfessionalProfile, User
from tremplin.applications.models import Application, ApplicationStatus, SavedOffer
from tremplin.offers.models import Offer
from tremplin.organisations.models import Organisation


def applications_of_candidate(user: User) -> QuerySet[Application]:
    return (
        Application.objects.of_candidate(user)
        .select_related("offer__organisation", "offer__commune")
        .order_by("-created_at")
    )


def organisation_inbox(
    organisations: list[Organisation], *, offer: Offer | None = None, status: str = ""
) -> QuerySet[Application]:
    """Applications to the organisations' offers, newest first (withdrawn ones left out)."""
    applications = (
        Application.objects.of_organisations(organisations)
        .visible_to_organisation()
        # The profile and whoever verified its RPPS: the « RPPS vérifié » badge, no query a row.
        .select_related("offer", "candidate__professional_profile__rpps_verified_by_organisation")
        .order_by("-created_at")
    )
    if offer is not None:
        applications = applications.filter(offer=offer)
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    return applications


def candidate_profile(application: Application) -> ProfessionalProfile | None:
    """The candidate's professional profile with who verified its RPPS, in one query (the
    organisation's badge); None once the application is anonymised or without a profile."""
    if application.candidate_id is None:
        return None
    return (
        ProfessionalProfile.objects.select_related("rpps_verified_by_organisation")
        .filter(user_id=application.candidate_id)
        .first()
    )


def unread_counts(organisations: list[Organisation]) -> dict[int, int]:
    """Unread applications per offer, for the organisations' offers."""
    rows = (
        Application.objects.of_organisations(organisations)
        .visible_to_organisation()
        .unread_by_organisation()
        .values("offer_id")
        .annotate(unread=Count("pk"))
    )
    return {row["offer_id"]: row["unread"] for row in rows}


def thread(application: Application) -> QuerySet:
    return application.messages.select_related("attachment", "author")


def saved_offers_of(user: User) -> QuerySet[SavedOffer]:
    return SavedOffer.objects.filter(user=user).select_related(
        "offer__commune", "offer__organisation"
    )


def is_saved(user: User | AnonymousUser, offer: Offer) -> bool:
    return user.is_authenticated and SavedOffer.objects.filter(user=user, offer=offer).exists()


def application_to(user: User | AnonymousUser, offer: Offer) -> Application | None:
    if not user.is_authenticated:
        return None
    return (
        Application.objects.filter(candidate=user, offer=offer)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )


def unread_by_candidate(user: User) -> QuerySet[Application]:
    """The candidate's applications with an answer of the organisation they have not read."""
    return (
        Application.objects.of_candidate(user)
        .filter(organisation_activity_at__isnull=False)
        .filter(
            Q(candidate_read_at__isnull=True)
            | Q(organisation_activity_at__gt=F("candidate_read_at"))
        )
    )


def unread_for_candidate(user: User) -> int:
    return unread_by_candidate(user).count()


def unread_by_organisation() -> QuerySet[Application]:
    """Applications with news their organisation has not read (a new application, or the
    candidate's last message after the organisation's last reading), withdrawn ones left out;
    the caller narrows it to organisations through `offer__organisation`."""
    return Application.objects.visible_to_organisation().unread_by_organisation()


def reported_applications() -> QuerySet[Application]:
    """Applications a party reported (the moderators' list at /candidatures/signalements/)."""
    return Application.objects.filter(reported_at__isnull=False)
