"""Writes on applications: applying, deciding, withdrawing, the conversation and its emails."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.applications import documents
from tremplin.applications.models import (
    MESSAGE_MAX_LENGTH,
    WITHDRAWABLE,
    Application,
    ApplicationStatus,
    DocumentKind,
    Message,
    SavedOffer,
    Side,
)
from tremplin.core.batches import (
    email_batch_add,
    email_batch_drop,
    email_batch_take,
    email_batches_due,
)
from tremplin.core.emails import email_send
from tremplin.offers.models import Offer, OfferStatus

# At most one "new messages" email per thread and recipient side in this window.
EMAIL_BATCH_WINDOW = timedelta(minutes=15)
# Status changes within this window leave in one email (« en discussion » then « acceptée »
# a few minutes later, or a decision corrected at once, make one email, not two).
STATUS_EMAIL_WINDOW = timedelta(minutes=10)
# Statuses the candidate is not emailed about: « vue » is shown on the application page only.
SILENT_STATUSES = {ApplicationStatus.SEEN}
DEFAULT_OTHERS_MESSAGE = _(
    "Merci pour votre candidature et pour l’intérêt que vous avez porté à notre annonce. "
    "Le poste a été pourvu : nous ne pouvons pas y donner suite cette fois-ci, mais nous "
    "espérons vous revoir sur Tremplin."
)


def _link(application: Application) -> str:
    from django.conf import settings

    return settings.SITE_URL + reverse("applications:detail", kwargs={"pk": application.pk})


def _check_text(body: str, *, required: bool) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ValidationError(_("Écrivez un message."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("Le message est trop long (%(length)s caractères, %(max)s au plus).")
            % {"length": len(body), "max": MESSAGE_MAX_LENGTH}
        )
    return body


def application_create(
    *,
    offer: Offer,
    candidate: User,
    message: str,
    available_from: date | None = None,
    available_until: date | None = None,
    cv_upload: UploadedFile | None = None,
    use_profile_cv: bool = False,
) -> Application:
    """Apply to a published offer. Refused: a closed or unpublished offer, one's own
    organisation's offer, a second open application to the same offer."""
    if offer.status != OfferStatus.PUBLISHED:
        raise ValidationError(_("Cette annonce n’accepte plus de candidatures."))
    if offer.organisation.memberships.filter(user=candidate).exists():
        raise ValidationError(_("Vous ne pouvez pas candidater à une annonce de votre structure."))
    message = _check_text(message, required=True)
    if available_from and available_until and available_until < available_from:
        raise ValidationError(_("La fin de vos disponibilités précède leur début."))
    if (
        Application.objects.filter(offer=offer, candidate=candidate)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exists()
    ):
        raise ValidationError(_("Vous avez déjà candidaté à cette annonce."))
    with transaction.atomic():
        cv = None
        if cv_upload is not None:
            cv = documents.document_store(
                owner=candidate, upload=cv_upload, kind=DocumentKind.APPLICATION_CV
            )
        elif use_profile_cv:
            saved = documents.profile_cv_of(candidate)
            if saved is None:
                raise ValidationError(_("Votre profil n’a pas de CV enregistré."))
            cv = documents.document_copy(document=saved, kind=DocumentKind.APPLICATION_CV)
        now = timezone.now()
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    offer=offer,
                    candidate=candidate,
                    message=message,
                    available_from=available_from,
                    available_until=available_until,
                    cv=cv,
                    created_at=now,
                    candidate_activity_at=now,
                    candidate_read_at=now,
                    status_changed_at=now,
                )
        except IntegrityError:
            # Two submissions at once: the database keeps one.
            raise ValidationError(_("Vous avez déjà candidaté à cette annonce.")) from None
        for email in offer.organisation.member_emails():
            email_send(
                to=email,
                template="applications/emails/received",
                context={"application": application, "offer": offer, "link": _link(application)},
                key=f"application-{application.pk}-received-{email}",
            )
    return application


STATUS_BATCH_PREFIX = "application-status-"


def _status_batch(application_id: int) -> str:
    return f"{STATUS_BATCH_PREFIX}{application_id}"


def _notify_status(application: Application, *, message: str) -> None:
    """Queue the change for the candidate's next status email (none for « vue »)."""
    from tremplin.applications.tasks import status_notify

    if application.candidate is None or application.status in SILENT_STATUSES:
        return
    due = email_batch_add(
        batch=_status_batch(application.pk),
        payload={"status": application.status, "message": message},
        window=STATUS_EMAIL_WINDOW,
        now=application.status_changed_at,
    )
    if due is not None and default_task_backend.supports_defer:
        status_notify.using(run_after=due).enqueue(application_id=application.pk)
    # Otherwise `notifications_send_due` (run by `run_daily` and the tests) sends it when due.


def status_notify(*, application_id: int, now: datetime | None = None) -> int:
    """Send the candidate one email with every status change of the window. Idempotent: the
    changes are taken once; before the window is over it sends nothing."""
    now = now or timezone.now()
    batch = _status_batch(application_id)
    with transaction.atomic():
        application = (
            Application.objects.select_related("offer__organisation", "candidate")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.anonymised_at is not None:
            email_batch_drop(batch=batch)
            return 0
        items = email_batch_take(batch=batch, now=now)
        if not items or application.candidate is None:
            return 0
        changes = [
            {
                "at": item.created_at,
                "status": ApplicationStatus(item.payload["status"]).label,
                "message": item.payload.get("message", ""),
            }
            for item in items
            if item.payload.get("status") in ApplicationStatus.values
        ]
        email_send(
            to=application.candidate.email,
            template="applications/emails/status",
            context={"application": application, "changes": changes, "link": _link(application)},
            key=f"application-{application.pk}-status-{items[-1].pk}",
        )
    return len(changes)


def _record_answer(application: Application, now: datetime) -> None:
    application.first_answer_at = application.first_answer_at or now
    application.organisation_activity_at = now


def _change_status(application: Application, *, status: str, message: str = "") -> Application:
    now = timezone.now()
    application.status = status
    application.status_changed_at = now
    if message:
        application.decision_message = message
    _record_answer(application, now)
    application.save()
    Message.objects.create(
        application=application,
        side=Side.SYSTEM,
        body=_("Statut de la candidature : %(status)s.")
        % {"status": application.get_status_display()},
        created_at=now,
    )
    _notify_status(application, message=message)
    return application


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("offer__organisation")
        .get(pk=application.pk)
    )


def application_mark_read(*, application: Application, by: User, side: str) -> Application:
    """Opening a thread: marks it read for that side; an organisation member opening a new
    application makes it "vue" (and the candidate is told)."""
    with transaction.atomic():
        application = _lock(application)
        now = timezone.now()
        if side == Side.ORGANISATION:
            application.organisation_read_at = now
            application.organisation_email_due_at = None
            if application.status == ApplicationStatus.RECEIVED:
                application.save(
                    update_fields=["organisation_read_at", "organisation_email_due_at"]
                )
                return _change_status(application, status=ApplicationStatus.SEEN)
            application.save(update_fields=["organisation_read_at", "organisation_email_due_at"])
        else:
            application.candidate_read_at = now
            application.candidate_email_due_at = None
            application.save(update_fields=["candidate_read_at", "candidate_email_due_at"])
    return application


def application_decide(
    *, application: Application, by: User, status: str, message: str = ""
) -> Application:
    """An organisation's decision: en discussion, acceptée, refusée, séjour confirmé."""
    message = _check_text(message, required=False)
    with transaction.atomic():
        application = _lock(application)
        if not application.can_move_to(status):
            raise ValidationError(
                _("Une candidature « %(current)s » ne peut pas passer à « %(next)s ».")
                % {
                    "current": application.get_status_display(),
                    "next": ApplicationStatus(status).label
                    if status in ApplicationStatus.values
                    else status,
                }
            )
        return _change_status(application, status=status, message=message)


def application_accept(
    *,
    application: Application,
    by: User,
    message: str = "",
    fill_offer: bool = False,
    others_message: str = "",
) -> Application:
    """Accept; with `fill_offer`, also mark the offer filled and decline the other open
    applications with `others_message` (a polite default when empty)."""
    from tremplin.offers.services import offer_close

    others_message = _check_text(others_message, required=False) or str(DEFAULT_OTHERS_MESSAGE)
    with transaction.atomic():
        application = application_decide(
            application=application, by=by, status=ApplicationStatus.ACCEPTED, message=message
        )
        if fill_offer:
            offer = Offer.objects.select_for_update().get(pk=application.offer_id)
            if offer.status == OfferStatus.PUBLISHED:
                offer_close(offer=offer, by=by, status=OfferStatus.FILLED)
            others = (
                Application.objects.filter(offer_id=offer.pk)
                .exclude(pk=application.pk)
                .filter(
                    status__in=[
                        ApplicationStatus.RECEIVED,
                        ApplicationStatus.SEEN,
                        ApplicationStatus.DISCUSSING,
                    ]
                )
            )
            for other in others:
                application_decide(
                    application=other,
                    by=by,
                    status=ApplicationStatus.DECLINED,
                    message=others_message,
                )
    return application


def application_withdraw(*, application: Application, by: User) -> Application:
    with transaction.atomic():
        application = _lock(application)
        if application.candidate_id != by.pk:
            raise PermissionDenied
        if application.status not in WITHDRAWABLE:
            raise ValidationError(_("Cette candidature ne peut plus être retirée."))
        now = timezone.now()
        application.status = ApplicationStatus.WITHDRAWN
        application.status_changed_at = now
        application.candidate_activity_at = now
        application.save()
        Message.objects.create(
            application=application,
            side=Side.SYSTEM,
            body=_("La candidature a été retirée par le candidat."),
            created_at=now,
        )
    return application


def message_post(
    *,
    application: Application,
    by: User,
    side: str,
    body: str,
    attachment: UploadedFile | None = None,
) -> Message:
    body = _check_text(body, required=attachment is None)
    with transaction.atomic():
        application = _lock(application)
        if application.anonymised_at is not None:
            raise ValidationError(_("Cette candidature a été anonymisée."))
        if application.status == ApplicationStatus.WITHDRAWN:
            raise ValidationError(_("Cette candidature a été retirée : la conversation est close."))
        document = None
        if attachment is not None:
            document = documents.document_store(
                owner=by, upload=attachment, kind=DocumentKind.ATTACHMENT
            )
        now = timezone.now()
        message = Message.objects.create(
            application=application,
            author=by,
            side=side,
            body=body,
            attachment=document,
            created_at=now,
        )
        if side == Side.ORGANISATION:
            _record_answer(application, now)
            application.organisation_read_at = now
            if application.status in {ApplicationStatus.RECEIVED, ApplicationStatus.SEEN}:
                application.status = ApplicationStatus.DISCUSSING
                application.status_changed_at = now
            application.save()
            _schedule_email(application, recipient_side=Side.CANDIDATE, now=now)
        else:
            application.candidate_activity_at = now
            application.candidate_read_at = now
            application.save()
            _schedule_email(application, recipient_side=Side.ORGANISATION, now=now)
    return message


def _schedule_email(application: Application, *, recipient_side: str, now: datetime) -> None:
    """Batch: the first message of a quiet thread is emailed at once; the following ones wait for
    the end of the 15-minute window and leave together in one email."""
    from tremplin.applications.tasks import thread_notify

    due_field = f"{recipient_side}_email_due_at"
    if getattr(application, due_field) is not None:
        return  # an email is already planned: this message will be in it
    emailed_at = getattr(application, f"{recipient_side}_emailed_at")
    due = now if emailed_at is None else max(now, emailed_at + EMAIL_BATCH_WINDOW)
    setattr(application, due_field, due)
    application.save(update_fields=[due_field])
    if due <= now:
        thread_notify.enqueue(application_id=application.pk, side=recipient_side)
    elif default_task_backend.supports_defer:
        thread_notify.using(run_after=due).enqueue(
            application_id=application.pk, side=recipient_side
        )
    # Otherwise `notifications_send_due` (run by `run_daily` and the tests) sends it when due.


def thread_notify(*, application_id: int, side: str, now: datetime | None = None) -> int:
    """Send the batched "new messages" email of one thread to one side. Idempotent: it only
    sends messages newer than the last email, unread by the recipient, once the window is over."""
    now = now or timezone.now()
    with transaction.atomic():
        application = (
            # `of=self`: PostgreSQL cannot lock the nullable side (candidate) of an outer join.
            Application.objects.select_for_update(of=("self",))
            .select_related("offer__organisation", "candidate")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.anonymised_at is not None:
            return 0
        due = getattr(application, f"{side}_email_due_at")
        if due is None or due > now:
            return 0
        author_side = Side.CANDIDATE if side == Side.ORGANISATION else Side.ORGANISATION
        since = max(
            filter(
                None,
                [
                    getattr(application, f"{side}_emailed_at"),
                    getattr(application, f"{side}_read_at"),
                ],
            ),
            default=None,
        )
        unsent = application.messages.filter(side=author_side)
        if since is not None:
            unsent = unsent.filter(created_at__gt=since)
        pending = list(unsent)
        setattr(application, f"{side}_email_due_at", None)
        if not pending:
            application.save(update_fields=[f"{side}_email_due_at"])
            return 0
        setattr(application, f"{side}_emailed_at", now)
        application.save(update_fields=[f"{side}_email_due_at", f"{side}_emailed_at"])
        if side == Side.CANDIDATE:
            recipients = [application.candidate.email] if application.candidate else []
        else:
            recipients = application.offer.organisation.member_emails()
        for email in recipients:
            email_send(
                to=email,
                template="applications/emails/new_messages",
                context={
                    "application": application,
                    "messages": pending,
                    "link": _link(application),
                    "to_candidate": side == Side.CANDIDATE,
                },
                key=f"thread-{application.pk}-{side}-{pending[-1].pk}-{email}",
            )
    return len(pending)


def notifications_send_due(*, now: datetime | None = None) -> int:
    """Every batched email whose window is over (a safety net when a deferred task was lost,
    and the only sender when the task backend cannot defer): messages and status changes."""
    now = now or timezone.now()
    sent = 0
    for batch in email_batches_due(prefix=STATUS_BATCH_PREFIX, now=now):
        application_id = int(batch.removeprefix(STATUS_BATCH_PREFIX))
        sent += 1 if status_notify(application_id=application_id, now=now) else 0
    for side in (Side.CANDIDATE, Side.ORGANISATION):
        due = Application.objects.filter(**{f"{side}_email_due_at__lte": now}).values_list(
            "pk", flat=True
        )
        for pk in list(due):
            sent += 1 if thread_notify(application_id=pk, side=side, now=now) else 0
    return sent


def application_report(*, application: Application, by: User, reason: str) -> Application:
    """Report abuse in a thread: moderators may then read it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Expliquez en quelques mots ce qui pose problème."))
    if len(reason) > 2000:
        raise ValidationError(_("2 000 caractères au plus."))
    application.reported_at = timezone.now()
    application.report_reason = reason
    application.save(update_fields=["reported_at", "report_reason"])
    for moderator in User.objects.filter(is_staff=True, is_active=True):
        email_send(
            to=moderator.email,
            template="applications/emails/reported",
            context={"application": application, "reason": reason, "link": _link(application)},
            key=f"application-{application.pk}-reported-{application.reported_at.timestamp()}-{moderator.pk}",
        )
    return application


def saved_offer_toggle(*, user: User, offer: Offer) -> bool:
    """Save or unsave an offer; returns whether it is saved now."""
    deleted, _rows = SavedOffer.objects.filter(user=user, offer=offer).delete()
    if deleted:
        return False
    SavedOffer.objects.get_or_create(user=user, offer=offer)
    return True
