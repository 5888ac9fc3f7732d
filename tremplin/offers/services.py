"""Writes on offers: saving drafts, the life cycle, duplication, expiry, photos."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.core.emails import email_send
from tremplin.core.images import image_clean
from tremplin.offers.events import offer_event_emit
from tremplin.offers.models import Offer, OfferEventKind, OfferPhoto, OfferStatus
from tremplin.offers.titles import offer_title_place_error
from tremplin.territories.models import IndicatorValue
from tremplin.territories.text import normalise_name
from tremplin.territories.zonages import PROFESSION_ZONAGE

EDITABLE = {OfferStatus.DRAFT, OfferStatus.REFUSED, OfferStatus.SUBMITTED, OfferStatus.PUBLISHED}
CLOSED = {OfferStatus.FILLED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN}
MAX_PHOTOS = 6


def offer_denormalise(offer: Offer) -> None:
    """Copy what search filters on from the commune, and build the text search document.

    The zonage copied is the ARS zonage of the offer's profession (a nurse's offer never gets
    the médecins' one), empty when the profession has none or it is not imported."""
    commune = offer.commune
    if commune is not None:
        offer.latitude, offer.longitude = commune.latitude, commune.longitude
        offer.departement_code, offer.region_code = commune.departement_id, commune.region_id
        key = PROFESSION_ZONAGE.get(offer.profession)
        zonage = (
            IndicatorValue.objects.filter(commune=commune, key=key)
            .order_by("-year")
            .values_list("category", flat=True)
            .first()
            if key
            else None
        )
        offer.zonage = zonage or ""
    else:
        offer.latitude = offer.longitude = None
        offer.departement_code = offer.region_code = offer.zonage = ""
    parts = [
        offer.title,
        offer.get_profession_display(),
        offer.get_kind_display(),
        offer.description,
    ]
    if commune is not None:
        parts += [commune.name, commune.departement.name]
    offer.search_document = normalise_name(" ".join(str(p) for p in parts if p))


@transaction.atomic
def offer_save(*, offer: Offer, by: User | None) -> Offer:
    if offer.status not in EDITABLE:
        raise ValidationError(_("Une annonce close ne peut plus être modifiée : dupliquez-la."))
    if offer.pk is None:
        offer.created_by = by
    offer.full_clean()
    offer_denormalise(offer)
    offer.save()
    if offer.status == OfferStatus.PUBLISHED:
        offer_event_emit(offer=offer, kind=OfferEventKind.UPDATED)
    return offer


def offer_submit(*, offer: Offer, by: User | None) -> Offer:
    """Send a draft to moderation. Only a verified organisation may publish."""
    if not offer.organisation.can_publish:
        raise PermissionDenied(
            _("Votre organisation doit être vérifiée par l’équipe de modération avant de publier.")
        )
    missing = []
    if offer.commune_id is None:
        missing.append(_("la commune d’exercice"))
    if not offer.description.strip():
        missing.append(_("la description"))
    if not (offer.asap or offer.start_date):
        missing.append(_("les dates (ou « dès que possible »)"))
    if missing:
        raise ValidationError(
            _("Avant de soumettre, complétez : %(fields)s.") % {"fields": ", ".join(missing)}
        )
    if offer.start_is_past():
        raise ValidationError(_("La date de début est passée : corrigez-la avant de soumettre."))
    place_error = offer_title_place_error(title=offer.title, commune=offer.commune)
    if place_error:
        raise ValidationError(place_error)
    if offer.status not in {OfferStatus.DRAFT, OfferStatus.REFUSED}:
        raise ValidationError(_("Cette annonce a déjà été soumise."))
    offer.status = OfferStatus.SUBMITTED
    offer.submitted_at = timezone.now()
    offer.refusal_reason = ""
    offer.save(update_fields=["status", "submitted_at", "refusal_reason", "updated_at"])
    return offer


@transaction.atomic
def offer_publish(*, offer: Offer, by: User) -> Offer:
    if not by.is_moderator:
        raise PermissionDenied
    if offer.status != OfferStatus.SUBMITTED:
        raise ValidationError(_("Seule une annonce soumise peut être publiée."))
    if not offer.organisation.can_publish:
        raise ValidationError(_("L’organisation n’est pas vérifiée."))
    now = timezone.now()
    offer.status = OfferStatus.PUBLISHED
    offer.published_at = offer.published_at or now
    offer.renewed_at = now
    offer.expiry_warned_at = None
    offer.save(
        update_fields=["status", "published_at", "renewed_at", "expiry_warned_at", "updated_at"]
    )
    offer_event_emit(offer=offer, kind=OfferEventKind.PUBLISHED)
    _notify_authors(offer, "offers/emails/published", {})
    return offer


def offer_refuse(*, offer: Offer, by: User, reason: str) -> Offer:
    if not by.is_moderator:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus : l’auteur le verra."))
    offer.status = OfferStatus.REFUSED
    offer.refusal_reason = reason.strip()
    offer.save(update_fields=["status", "refusal_reason", "updated_at"])
    _notify_authors(offer, "offers/emails/refused", {"reason": offer.refusal_reason})
    return offer


@transaction.atomic
def offer_close(*, offer: Offer, by: User | None, status: str) -> Offer:
    if status not in {OfferStatus.FILLED, OfferStatus.WITHDRAWN}:
        raise ValidationError(_("Clôture inconnue."))
    if offer.status in CLOSED:
        raise ValidationError(_("Cette annonce est déjà close."))
    offer.status = status
    offer.closed_at = timezone.now()
    offer.save(update_fields=["status", "closed_at", "updated_at"])
    if offer.published_at:  # partners received it: tell them it is closed
        offer_event_emit(offer=offer, kind=OfferEventKind.CLOSED)
    return offer


@transaction.atomic
def offer_renew(*, offer: Offer, by: User) -> Offer:
    if offer.status != OfferStatus.PUBLISHED:
        raise ValidationError(_("Seule une annonce publiée peut être prolongée."))
    offer.renewed_at = timezone.now()
    offer.expiry_warned_at = None
    offer.save(update_fields=["renewed_at", "expiry_warned_at", "updated_at"])
    offer_event_emit(offer=offer, kind=OfferEventKind.UPDATED)
    return offer


def offer_duplicate(*, offer: Offer, by: User) -> Offer:
    """A new draft with the same content (not the photos' history, nor the counters)."""
    with transaction.atomic():
        copy = Offer.objects.get(pk=offer.pk)
        others = list(offer.other_communes.all())
        copy.pk = None
        copy._state.adding = True
        copy.title = _("%(title)s (copie)") % {"title": offer.title}
        copy.status = OfferStatus.DRAFT
        copy.created_by = by
        copy.is_demo = False
        for name in ("submitted_at", "published_at", "renewed_at", "closed_at", "expiry_warned_at"):
            setattr(copy, name, None)
        copy.refusal_reason = ""
        copy.views = 0
        copy.save()
        copy.other_communes.set(others)
        for photo in offer.photos.all():
            OfferPhoto.objects.create(
                offer=copy,
                image=ContentFile(
                    photo.image.read(), name=(photo.image.name or "").rsplit("/", 1)[-1]
                ),
                alt=photo.alt,
            )
    return copy


def offers_expire(*, today: date | None = None) -> tuple[int, int]:
    """The daily pass: warn authors a week before expiry, expire what is due. Idempotent:
    a warning is sent once (`expiry_warned_at`), an expired offer is not touched again."""
    today = today or timezone.localdate()
    expired = 0
    for offer in Offer.objects.past_expiry(today=today):
        offer.status = OfferStatus.EXPIRED
        offer.closed_at = timezone.now()
        with transaction.atomic():
            offer.save(update_fields=["status", "closed_at", "updated_at"])
            offer_event_emit(offer=offer, kind=OfferEventKind.CLOSED)
        expired += 1
    warned = 0
    for offer in (
        Offer.objects.live(today=today)
        .filter(expiry_warned_at__isnull=True)
        .select_related("organisation")
    ):
        expires_on = offer.expires_on
        if expires_on is not None and expires_on <= today + timedelta(days=7):
            offer.expiry_warned_at = timezone.now()
            offer.save(update_fields=["expiry_warned_at"])
            _notify_authors(offer, "offers/emails/expiring", {"expires_on": expires_on})
            warned += 1
    return warned, expired


def offer_views_add(*, offer_id: int, views: int) -> None:
    """Add flushed page views to an offer's lifetime total (applications/viewcounts.py buffers
    them): an increment, so processes flushing at once add up."""
    Offer.objects.filter(pk=offer_id).update(views=F("views") + views)


def _notify_authors(offer: Offer, template: str, context: dict) -> None:
    for email in offer.organisation.member_emails():
        email_send(to=email, template=template, context={"offer": offer, **context})


def photo_add(*, offer: Offer, upload: UploadedFile, alt: str = "") -> OfferPhoto:
    """Check an upload is really an image (by content), shrink it, drop its metadata (EXIF,
    GPS position), store it as JPEG."""
    if offer.photos.count() >= MAX_PHOTOS:
        raise ValidationError(_("%(count)s photos au maximum par annonce.") % {"count": MAX_PHOTOS})
    data = image_clean(upload)
    photo = OfferPhoto(offer=offer, alt=alt[:200])
    photo.image.save(f"annonce-{offer.pk}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo
