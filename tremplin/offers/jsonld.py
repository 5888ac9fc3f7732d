"""schema.org JobPosting for an offer page, so that search engines list offers.

Google's job-posting guide names the fields it requires (title, description, datePosted,
hiringOrganization, jobLocation — or applicantLocationRequirements with jobLocationType for
fully remote work, which no offer here is) and those it recommends (baseSalary, directApply,
employmentType, identifier, validThrough…); tests/offers/test_jsonld.py holds both lists."""

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.html import escape

from tremplin.offers.models import Offer, OfferKind

PARIS = ZoneInfo("Europe/Paris")
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
# A line that starts a list item in the offer's text: « - », « * », « • » or « – ».
_BULLET = re.compile(r"^\s*[-*•–]\s+")


def description_html(text: str) -> str:
    """The offer's plain text as HTML: blank lines part paragraphs, lines starting with a bullet
    make a list, other line breaks become <br>; every character of the text is escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{escape(_BULLET.sub('', line))}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return "".join(blocks)


def valid_through(offer: Offer) -> str | None:
    """The moment the offer stops being shown, Paris time: the start of its `expires_on` day
    (an offer is live while `expires_on` is after today)."""
    if offer.expires_on is None:
        return None
    return datetime.combine(offer.expires_on, time.min, tzinfo=PARIS).isoformat()


def offer_job_posting(offer: Offer) -> dict | None:
    """The JobPosting of a published offer; None without a commune (Google refuses a posting
    with no place, and no offer here is fully remote)."""
    commune = offer.commune
    if commune is None:
        return None
    address: dict[str, str] = {
        "@type": "PostalAddress",
        "addressLocality": commune.name,
        "addressRegion": commune.region.name,
        "addressCountry": "FR",
    }
    if commune.postal_code_list:
        address["postalCode"] = commune.postal_code_list[0]
    place: dict[str, object] = {"@type": "Place", "address": address}
    if commune.latitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": commune.latitude,
            "longitude": commune.longitude,
        }
    posting: dict[str, object] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": description_html(offer.description or offer.title),
        "identifier": {
            "@type": "PropertyValue",
            "name": settings.SITE_NAME,
            "value": str(offer.pk),
        },
        "datePosted": (offer.published_at or offer.created_at).astimezone(PARIS).isoformat(),
        "employmentType": EMPLOYMENT_TYPES[offer.kind],
        "hiringOrganization": {"@type": "Organization", "name": offer.organisation.name},
        "jobLocation": place,
        "url": settings.SITE_URL + offer.get_absolute_url(),
        "occupationalCategory": offer.get_profession_display(),
        # One applies on the offer's page (« Je suis intéressé(e) ») while it is published.
        "directApply": offer.is_public,
    }
    expires = valid_through(offer)
    if expires:
        posting["validThrough"] = expires
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


# What every published offer's posting carries (Google's required fields and the recommended
# ones each offer has; baseSalary only when the offer states one).
REQUIRED_FIELDS = ("@context", "@type", "title", "description", "datePosted", "hiringOrganization",
                   "jobLocation", "validThrough", "employmentType", "identifier", "directApply")  # fmt: skip
