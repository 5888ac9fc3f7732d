"""Personal data of candidates: the export archive, anonymisation at deletion and after two
years."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.applications.documents import document_erase
from tremplin.applications.kept_cv import kept_cvs_erase
from tremplin.applications.models import Application, Document, Message, SavedOffer
from tremplin.offers.models import OfferStatus

RETENTION = timedelta(days=2 * 365)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def candidate_export_data(*, user: User) -> tuple[dict, dict[str, Document]]:
    """The candidate's part of the export archive: applications with their conversation,
    favourites and the documents' list, and the files to add under their archive paths."""
    documents = list(Document.objects.filter(owner=user).order_by("created_at"))
    paths: dict[int | None, str] = {
        doc.pk: f"documents/{doc.pk}-{doc.original_name}" for doc in documents
    }
    applications = (
        Application.objects.filter(candidate=user)
        .select_related("offer__organisation", "offer__commune", "cv")
        .prefetch_related("messages__attachment")
        .order_by("created_at")
    )
    data = {
        "applications": [
            {
                "id": application.pk,
                "offer": {
                    "id": application.offer_id,
                    "title": application.offer.title,
                    "organisation": application.offer.organisation.name,
                    "commune": application.offer.commune.name
                    if application.offer.commune
                    else None,
                },
                "status": application.status,
                "status_label": str(application.get_status_display()),
                "created_at": _iso(application.created_at),
                "message": application.message,
                "available_from": _iso(application.available_from),
                "available_until": _iso(application.available_until),
                "decision_message": application.decision_message,
                "cv": paths.get(application.cv_id),
                "conversation": [
                    {
                        "at": _iso(message.created_at),
                        "from": message.side,
                        "body": message.body,
                        "attachment": (
                            paths.get(message.attachment_id)
                            or (message.attachment.original_name if message.attachment else None)
                        ),
                    }
                    for message in application.messages.all()
                ],
            }
            for application in applications
        ],
        "saved_offers": [
            {
                "offer_id": saved.offer_id,
                "title": saved.offer.title,
                "saved_at": _iso(saved.created_at),
            }
            for saved in SavedOffer.objects.filter(user=user).select_related("offer")
        ],
        "documents": [
            {
                "file": paths[doc.pk],
                "kind": doc.kind,
                "size": doc.size,
                "sha256": doc.sha256,
                "uploaded_at": _iso(doc.created_at),
            }
            for doc in documents
        ],
    }
    return data, {paths[doc.pk]: doc for doc in documents}


def _anonymise(applications: list[Application], now: datetime) -> None:
    """Keep what statistics need (offer, status, dates), erase who and what was said."""
    for application in applications:
        attachments = [
            m.attachment for m in application.messages.select_related("attachment") if m.attachment
        ]
        cv = application.cv
        Message.objects.filter(application=application).delete()
        application.candidate = None
        application.message = ""
        application.decision_message = ""
        application.report_reason = ""
        application.available_from = application.available_until = None
        application.cv = None
        application.candidate_email_due_at = application.organisation_email_due_at = None
        application.anonymised_at = now
        application.save()
        for document in [cv, *attachments]:
            if document is not None:
                document_erase(document)


def candidate_anonymise(*, user: User) -> int:
    """At account deletion: the person's applications are anonymised, all their files erased
    (from storage too), their favourites dropped."""
    now = timezone.now()
    with transaction.atomic():
        applications = list(Application.objects.filter(candidate=user))
        _anonymise(applications, now)
        for document in Document.objects.filter(owner=user):
            document_erase(document)
        SavedOffer.objects.filter(user=user).delete()
    kept_cvs_erase(user_pk=user.pk)
    return len(applications)


def applications_anonymise_old(*, now: datetime | None = None) -> int:
    """The scheduled pass: applications to offers closed for more than two years. Idempotent."""
    now = now or timezone.now()
    closed = [OfferStatus.FILLED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN]
    with transaction.atomic():
        applications = list(
            Application.objects.filter(
                anonymised_at__isnull=True,
                offer__status__in=closed,
                offer__closed_at__lt=now - RETENTION,
            ).filter(~Q(offer__closed_at=None))
        )
        _anonymise(applications, now)
    return len(applications)
