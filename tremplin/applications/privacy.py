"""Personal data of candidates: the export archive, anonymisation at deletion and after two
years."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.applications.documents import document_erase
from tremplin.applications.models import Application, Document, Message, SavedOffer
from tremplin.offers.models import OfferStatus

RETENTION = timedelta(days=2 * 365)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def candidate_export(*, user: User) -> bytes:
    """One ZIP archive: `donnees.json` (account, profile, applications with their conversation,
    favourites, documents' list) and every document file under `documents/`."""
    profile = getattr(user, "professional_profile", None)
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
        "exported_at": _iso(timezone.now()),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "email_confirmed_at": _iso(user.email_confirmed_at),
        },
        "professional_profile": (
            {
                "profession": profile.profession,
                "profession_label": str(profile.get_profession_display()),
                "status": profile.status,
                "rpps": profile.rpps,
            }
            if profile
            else None
        ),
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
        "stays": _stays(user),
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for doc in documents:
            with doc.file.open("rb") as source:
                archive.writestr(paths[doc.pk], source.read())
    return buffer.getvalue()


def _stays(user: User) -> list[dict]:
    from tremplin.hosting.models import Stay

    stays = Stay.objects.filter(professional=user).select_related("collectivity", "offer")
    return [
        {
            "territory": stay.collectivity.name,
            "offer_id": stay.offer_id,
            "start": _iso(stay.start),
            "end": _iso(stay.end),
            "cancelled_at": _iso(stay.cancelled_at),
            "visible_to_peers": stay.peers_visible,
            "bookings": [
                {
                    "housing": b.housing.name,
                    "start": _iso(b.start),
                    "end": _iso(b.end),
                    "status": b.status,
                }
                for b in stay.bookings.select_related("housing")
            ],
            "activities": [activity.title for activity in stay.activities.all()],
            "feedback": (
                {
                    "went_well": stay.feedback.went_well,
                    "to_improve": stay.feedback.to_improve,
                    "would_come_back": stay.feedback.would_come_back,
                    "would_settle": stay.feedback.would_settle,
                    "published": stay.feedback.publish,
                }
                if hasattr(stay, "feedback")
                else None
            ),
            "installation_answers": [
                {"months": c.months, "settled": c.settled, "commune": c.commune_id}
                for c in stay.installation_checks.filter(answered_at__isnull=False)
            ],
            "messages_sent_to_peers": [m.body for m in stay.peer_messages_sent.all()],
        }
        for stay in stays
    ]


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
