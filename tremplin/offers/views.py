import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.applications import selectors as application_selectors
from tremplin.applications.metrics import offer_view_record, offers_metrics
from tremplin.hosting import selectors as hosting_selectors
from tremplin.offers import services
from tremplin.offers.completeness import offer_completeness
from tremplin.offers.forms import STEP_SLUGS, STEPS, PhotoForm, PostStepForm, RefuseForm
from tremplin.offers.jsonld import offer_job_posting
from tremplin.offers.models import Offer, OfferStatus
from tremplin.offers.permissions import (
    get_health_organisation_for_member,
    get_offer_for_editor,
    get_offer_for_reader,
    health_organisations_of,
)
from tremplin.organisations.permissions import require_moderator
from tremplin.territories import selectors as territory_selectors


@login_not_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_reader(request.user, pk)
    is_member = (
        request.user.is_authenticated
        and offer.organisation.memberships.filter(user=request.user).exists()
    )
    if offer.is_public and not is_member:
        offer_view_record(offer=offer, user_agent=request.headers.get("user-agent", ""))
    commune = offer.commune
    station = []
    if commune and commune.latitude is not None and commune.longitude is not None:
        station = territory_selectors.places_nearest(
            latitude=commune.latitude, longitude=commune.longitude, kind="station", limit=1
        )
    posting = offer_job_posting(offer) if offer.is_public else None
    return render(
        request,
        "offers/detail.html",
        {
            "offer": offer,
            "my_application": application_selectors.application_to(request.user, offer),
            "accepted_supports": hosting_selectors.accepted_supports(offer),
            "support_panel": hosting_selectors.offer_support_panel(
                user=request.user, offer=offer, is_member=is_member
            ),
            "is_saved": application_selectors.is_saved(request.user, offer),
            "metrics": offers_metrics([offer])[offer.pk] if is_member else None,
            "photos": offer.photos.all(),
            "indicators": territory_selectors.profession_indicators(
                commune, profession=offer.profession
            )
            if commune
            else [],
            "nearest_station": station[0] if station else None,
            "is_member": is_member,
            "jsonld": _json_for_script(posting) if offer.is_public and posting else "",
        },
    )


def _json_for_script(data: dict) -> str:
    """JSON safe inside a <script> element: no "</script>" can close it early."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_safe
def my_offers(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = health_organisations_of(request.user)
    offers = (
        Offer.objects.filter(organisation__in=organisations)
        .select_related("organisation", "commune")
        .prefetch_related("photos")
        .order_by("-updated_at")
    )
    metrics = offers_metrics(list(offers))
    unread = application_selectors.unread_counts(organisations)
    rows = [
        (
            offer,
            offer_completeness(offer, photo_count=len(offer.photos.all())),
            metrics[offer.pk],
            unread.get(offer.pk, 0),
        )
        for offer in offers
    ]
    return render(request, "offers/my_offers.html", {"rows": rows, "organisations": organisations})


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = health_organisations_of(request.user)
    if not organisations:
        messages.info(
            request,
            _("Pour publier une annonce, créez d’abord votre structure de santé ou rejoignez-la."),
        )
        return redirect("organisations:create")
    form = PostStepForm(request.POST or None, instance=Offer())
    chosen = request.POST.get("organisation") or (
        str(organisations[0].pk) if len(organisations) == 1 else ""
    )
    if request.method == "POST":
        organisation = None
        if chosen.isdigit():
            organisation = get_health_organisation_for_member(request.user, int(chosen))
        if organisation is None:
            messages.error(request, _("Choisissez la structure qui publie l’annonce."))
        elif form.is_valid():
            offer = form.save(commit=False)
            offer.organisation = organisation
            services.offer_save(offer=offer, by=request.user)
            return redirect("offers:edit", pk=offer.pk, step=STEP_SLUGS[1])
    return render(
        request,
        "offers/editor.html",
        {
            "form": form,
            "step": STEPS[0],
            "step_number": 1,
            "steps": STEPS,
            "organisations": organisations,
            "chosen": chosen,
            "completeness": offer_completeness(form.instance),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    if step not in STEP_SLUGS:
        raise Http404
    current = STEPS[STEP_SLUGS.index(step)]
    if offer.status not in services.EDITABLE:
        messages.info(request, _("Cette annonce est close : dupliquez-la pour la republier."))
        return redirect("offers:mine")
    form = None
    status = 200
    if current.form_class is not None:
        form = current.form_class(request.POST or None, instance=offer)
        if request.method == "POST":
            if form.is_valid():
                form.save(commit=False)
                try:
                    services.offer_save(offer=offer, by=request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if hasattr(form, "save_related"):
                        form.save_related(offer)
                    if request.htmx:
                        return _score(request, offer, saved=True)
                    if "next" in request.POST:
                        return redirect("offers:edit", pk=offer.pk, step=_next(step))
                    messages.success(request, _("Brouillon enregistré."))
                    return redirect("offers:edit", pk=offer.pk, step=step)
            if request.htmx:
                return _score(request, Offer.objects.get(pk=offer.pk), saved=False)
            status = 400
    return render(
        request,
        "offers/editor.html",
        {
            "offer": offer,
            "form": form,
            "step": current,
            "step_number": STEP_SLUGS.index(step) + 1,
            "steps": STEPS,
            "next_step": _next(step),
            "photos": offer.photos.all(),
            "photo_form": PhotoForm(),
            "completeness": offer_completeness(offer, photo_count=offer.photos.count()),
            "candidates": getattr(form, "candidates", []),
        },
        status=status,
    )


def _next(step: str) -> str:
    index = STEP_SLUGS.index(step)
    return STEP_SLUGS[min(index + 1, len(STEP_SLUGS) - 1)]


def _score(request: HttpRequest, offer: Offer, *, saved: bool) -> HttpResponse:
    return render(
        request,
        "offers/_score.html",
        {
            "completeness": offer_completeness(offer, photo_count=offer.photos.count()),
            "saved": saved,
            "unsaved": not saved,
        },
    )


@require_POST
def photo_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                offer=offer, upload=form.cleaned_data["image"], alt=form.cleaned_data["alt"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Photo ajoutée."))
    else:
        messages.error(request, _("Choisissez une image à envoyer."))
    return redirect("offers:edit", pk=offer.pk, step="photos")


@require_POST
def photo_delete(request: AuthenticatedHttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    photo = get_object_or_404(offer.photos, pk=photo_pk)
    photo.image.delete(save=False)
    photo.delete()
    messages.info(request, _("Photo retirée."))
    return redirect("offers:edit", pk=offer.pk, step="photos")


@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    try:
        services.offer_submit(offer=offer, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("offers:edit", pk=offer.pk, step="apercu")
    messages.success(
        request,
        _("Annonce envoyée à la modération : vous serez prévenu par e-mail de sa publication."),
    )
    return redirect("offers:mine")


@require_POST
def duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    copy = services.offer_duplicate(offer=offer, by=request.user)
    messages.success(request, _("Annonce dupliquée : voici le brouillon de la copie."))
    return redirect("offers:edit", pk=copy.pk, step=STEP_SLUGS[0])


@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    try:
        services.offer_close(offer=offer, by=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Annonce close."))
    return redirect("offers:mine")


@require_POST
def renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, pk)
    try:
        services.offer_renew(offer=offer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Annonce prolongée de 90 jours."))
    return redirect("offers:mine")


@require_safe
def moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_moderator(request.user)
    pending = Offer.objects.filter(status=OfferStatus.SUBMITTED).select_related(
        "organisation", "commune"
    )
    return render(
        request, "offers/moderation.html", {"pending": pending, "refuse_form": RefuseForm()}
    )


@require_POST
def moderation_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_moderator(request.user)
    offer = get_object_or_404(Offer, pk=pk)
    try:
        if request.POST.get("decision") == "publish":
            services.offer_publish(offer=offer, by=request.user)
            messages.success(request, _("« %(title)s » est publiée.") % {"title": offer.title})
        else:
            services.offer_refuse(
                offer=offer, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("« %(title)s » est refusée.") % {"title": offer.title})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("offers:moderation")
