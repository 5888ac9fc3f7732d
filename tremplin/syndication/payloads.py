"""An offer as partners and feeds receive it: plain JSON values, French labels, absolute URLs."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from tremplin.core.professions import Profession
from tremplin.offers.models import Offer, OfferKind, OfferStatus, PracticeSetting

KIND_LABELS = dict(OfferKind.choices)
PROFESSION_LABELS = dict(Profession.choices)
STATUS_LABELS = dict(OfferStatus.choices)
SETTING_LABELS = dict(PracticeSetting.choices)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decimal(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def offer_url(pk: int) -> str:
    return f"{settings.SITE_URL}/annonces/{pk}/"


def offer_document(offer: Offer) -> dict:
    """The offer (with its commune, département, région and organisation loaded) as JSON."""
    commune = offer.commune
    with translation.override("fr"):
        document = {
            "id": offer.pk,
            "url": offer_url(offer.pk),
            "status": offer.status,
            "status_label": str(STATUS_LABELS.get(offer.status, offer.status)),
            "title": offer.title,
            "description": offer.description,
            "kind": offer.kind,
            "kind_label": str(KIND_LABELS.get(offer.kind, offer.kind)),
            "profession": offer.profession,
            "profession_label": str(PROFESSION_LABELS.get(offer.profession, offer.profession)),
            "commune": {
                "insee": commune.insee,
                "name": commune.name,
                "postal_code": commune.postal_code_list[0] if commune.postal_code_list else "",
                "departement": commune.departement_id,
                "departement_name": commune.departement.name,
                "region": commune.region_id,
                "region_name": commune.region.name,
            }
            if commune is not None
            else None,
            "latitude": offer.latitude,
            "longitude": offer.longitude,
            "start_date": _iso(offer.start_date),
            "end_date": _iso(offer.end_date),
            "asap": offer.asap,
            "retrocession_rate": _decimal(offer.retrocession_rate),
            "salary_min": offer.salary_min,
            "salary_max": offer.salary_max,
            "setting": offer.setting,
            "setting_label": str(SETTING_LABELS.get(offer.setting, "")) if offer.setting else "",
            "housing_offered": offer.housing_offered,
            "housing_details": offer.housing_details,
            "zonage": offer.zonage,
            "organisation": {"id": offer.organisation_id, "name": offer.organisation.name},
            "published_at": _iso(offer.published_at),
            "updated_at": _iso(offer.updated_at),
            "closed_at": _iso(offer.closed_at),
            "expires_on": _iso(offer.expires_on),
            "is_demo": offer.is_demo,
        }
    return document
