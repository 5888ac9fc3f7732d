"""schema.org JobPosting for an offer page, so that search engines list offers."""

from django.conf import settings

from tremplin.offers.models import Offer, OfferKind

EMPLOYMENT_TYPES: dict[str, str] = {
    OfferKind.REPLACEMENT: "TEMPORARY",
    OfferKind.INTERNSHIP: "INTERN",
    OfferKind.DISCOVERY_STAY: "TEMPORARY",
    OfferKind.COLLABORATION: "CONTRACTOR",
    OfferKind.ASSISTANTSHIP: "CONTRACTOR",
    OfferKind.SALARIED: "FULL_TIME",
    OfferKind.INSTALLATION: "OTHER",
    OfferKind.SUCCESSION: "OTHER",
}


def offer_job_posting(offer: Offer) -> dict:
    commune = offer.commune
    posting = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": offer.description or offer.title,
        "identifier": {
            "@type": "PropertyValue",
            "name": settings.SITE_NAME,
            "value": str(offer.pk),
        },
        "datePosted": (offer.published_at or offer.created_at).date().isoformat(),
        "employmentType": EMPLOYMENT_TYPES[offer.kind],
        "hiringOrganization": {"@type": "Organization", "name": offer.organisation.name},
        "url": settings.SITE_URL + offer.get_absolute_url(),
        "occupationalCategory": offer.get_profession_display(),
    }
    if offer.expires_on:
        posting["validThrough"] = offer.expires_on.isoformat()
    if commune is not None:
        place = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": commune.name,
                "postalCode": commune.postal_code_list[0] if commune.postal_code_list else "",
                "addressRegion": commune.region.name,
                "addressCountry": "FR",
            },
        }
        if commune.latitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": commune.latitude,
                "longitude": commune.longitude,
            }
        posting["jobLocation"] = place
    if offer.start_date:
        posting["jobStartDate"] = offer.start_date.isoformat()
    if offer.salary_min or offer.salary_max:
        value: dict[str, object] = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if offer.salary_min:
            value["minValue"] = offer.salary_min
        if offer.salary_max:
            value["maxValue"] = offer.salary_max
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": value}
    return posting


REQUIRED_FIELDS = ("@context", "@type", "title", "description", "datePosted", "hiringOrganization",
                   "jobLocation", "validThrough", "employmentType")  # fmt: skip
