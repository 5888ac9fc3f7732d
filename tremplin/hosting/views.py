from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.accounts.permissions import redirect_to_professional_profile
from tremplin.hosting import selectors, services
from tremplin.hosting.dates import month_add
from tremplin.hosting.forms import (
    ActivityForm,
    BookingForm,
    FeedbackForm,
    HousingForm,
    InstallationForm,
    LocalAidForm,
    PeerMessageForm,
    PeriodForm,
    PhotoForm,
    StayForm,
    SupportProposalForm,
    SupportRequestForm,
    TerritoryPageForm,
)
from tremplin.hosting.ics import stay_ics
from tremplin.hosting.models import (
    Activity,
    BookingStatus,
    Housing,
    InstallationCheck,
    Stay,
    SupportStatus,
    TerritoryPage,
)
from tremplin.hosting.permissions import (
    get_activity_for_agent,
    get_booking_for_agent,
    get_collectivity_for_agent,
    get_housing_for_agent,
    get_stay_for_professional,
    get_support_for_decider,
    is_agent,
)
from tremplin.hosting.welcome_map import welcome_map_points
from tremplin.offers.models import Offer
from tremplin.offers.permissions import get_offer_for_editor
from tremplin.organisations.models import Organisation, OrganisationStatus


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Action non autorisée.")


# Public pages ------------------------------------------------------------------------------------


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    pages = selectors.published_territory_pages()
    return render(
        request, "hosting/index.html", {"pages": pages, "points": welcome_map_points(pages)}
    )


def _public_collectivity(request: HttpRequest, pk: int) -> tuple[Organisation, bool]:
    organisation = get_object_or_404(Organisation.objects.collectivities(), pk=pk)
    agent = is_agent(request.user, organisation)
    if not agent and organisation.status != OrganisationStatus.VERIFIED:
        raise Http404
    return organisation, agent


@login_not_required
@require_safe
def page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, agent = _public_collectivity(request, pk)
    territory_page = TerritoryPage.objects.filter(organisation=organisation).first()
    if territory_page is None or not (territory_page.is_published or agent):
        raise Http404
    return render(
        request,
        "hosting/page.html",
        {
            "organisation": organisation,
            "territory_page": territory_page,
            "is_agent": agent,
            **selectors.territory_welcome(organisation, page=territory_page),
        },
    )


CALENDAR_MONTHS = 3


def _calendar_first_month(value: str) -> date:
    """The first month shown, from `?mois=2027-07`; this month for anything else."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    # Two years either way: enough to look back at stays and ahead at semesters.
    if abs((first.year - today.year) * 12 + first.month - today.month) > 24:
        return today.replace(day=1)
    return first


def _housing_page(
    request: HttpRequest, housing: Housing, *, booking_form: BookingForm | None = None
) -> HttpResponse:
    _organisation, agent = _public_collectivity(request, housing.organisation_id)
    first = _calendar_first_month(request.GET.get("mois", ""))
    if booking_form is not None and booking_form.is_bound:
        # A refused request: the calendar opens at the month asked for.
        asked = getattr(booking_form, "cleaned_data", {}).get("start")
        first = _calendar_first_month(f"{asked:%Y-%m}") if asked else first
    if booking_form is None and request.user.is_authenticated and not agent:
        booking_form = BookingForm()
    return render(
        request,
        "hosting/housing.html",
        {
            "housing": housing,
            "is_agent": agent,
            "periods": housing.periods.filter(end__gte=timezone.localdate()),
            "months": selectors.housing_months(
                housing, first=first, count=CALENDAR_MONTHS, viewer=request.user, agent=agent
            ),
            "previous_month": f"{month_add(first, -CALENDAR_MONTHS):%Y-%m}",
            "next_month": f"{month_add(first, CALENDAR_MONTHS):%Y-%m}",
            "period_form": PeriodForm() if agent else None,
            "booking_form": None if agent else booking_form,
            "my_bookings": [] if agent else selectors.bookings_of(request.user, housing=housing),
            "semester_rent": selectors.semester_rent(housing),
        },
        status=400 if booking_form is not None and booking_form.is_bound else 200,
    )


@login_not_required
@require_safe
def housing(request: HttpRequest, pk: int) -> HttpResponse:
    housing = get_object_or_404(Housing.objects.select_related("organisation", "commune"), pk=pk)
    return _housing_page(request, housing)


@require_POST
def booking_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A candidate asks for a housing for a date range: from the offer page in one click (its
    promised dates prefilled), or from the housing page with the calendar. A refusal shows the
    housing page again with the dates typed and the reason."""
    housing = get_object_or_404(Housing.objects.select_related("organisation", "commune"), pk=pk)
    _public_collectivity(request, housing.organisation_id)
    form = BookingForm(request.POST)
    if form.is_valid():
        try:
            booking = services.booking_request(
                housing=housing,
                professional=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                places=form.cleaned_data["places"],
                semester=form.cleaned_data["semester"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if booking.status == BookingStatus.ACCEPTED:
                done = _("Réservation acceptée pour « %(name)s » : vous recevez la confirmation.")
            else:
                done = _(
                    "Demande envoyée pour « %(name)s » : la collectivité vous répondra par e-mail."
                )
            messages.success(request, done % {"name": housing.name})
            offer = Offer.objects.published().filter(pk=form.cleaned_data["annonce"] or 0).first()
            return redirect(offer or housing)
    return _housing_page(request, housing, booking_form=form)


# Collectivité agents --------------------------------------------------------------------------------


@require_safe
def manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    return render(
        request,
        "hosting/manage.html",
        {
            "organisation": organisation,
            **selectors.welcome_dashboard(organisation),
            "proposal_form": SupportProposalForm(collectivity=organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def page_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    territory_page = services.territory_page_for(organisation=organisation)
    form = TerritoryPageForm(request.POST or None, instance=territory_page)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.territory_page_save(page=form.save(commit=False), by=request.user)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Page du territoire enregistrée."))
                return redirect("hosting:page_edit", pk=pk)
        status = 400
    return render(
        request,
        "hosting/page_edit.html",
        {
            "organisation": organisation,
            "territory_page": territory_page,
            "form": form,
            "aid_form": LocalAidForm(),
            "photo_form": PhotoForm(),
        },
        status=status,
    )


@require_POST
def aid_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    territory_page = services.territory_page_for(organisation=organisation)
    form = LocalAidForm(request.POST)
    if form.is_valid():
        services.local_aid_add(page=territory_page, aid=form.save(commit=False))
        messages.success(request, _("Aide ajoutée."))
    else:
        messages.error(request, _("Aide non ajoutée : donnez au moins son nom et un lien valide."))
    return redirect("hosting:page_edit", pk=pk)


@require_POST
def aid_delete(request: AuthenticatedHttpRequest, pk: int, aid_pk: int) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    territory_page = services.territory_page_for(organisation=organisation)
    services.local_aid_delete(page=territory_page, pk=aid_pk)
    messages.info(request, _("Aide retirée."))
    return redirect("hosting:page_edit", pk=pk)


@require_POST
def photo_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    territory_page = services.territory_page_for(organisation=organisation)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.territory_photo_add(
                page=territory_page, upload=form.cleaned_data["image"], alt=form.cleaned_data["alt"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Photo ajoutée."))
    else:
        # An ErrorList yields its messages as strings; the stubs say ValidationError | str.
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))  # type: ignore[misc]
    return redirect("hosting:page_edit", pk=pk)


@require_http_methods(["GET", "POST"])
def housing_edit(
    request: AuthenticatedHttpRequest, pk: int, housing_pk: int | None = None
) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    instance = Housing(organisation=organisation)
    if housing_pk is not None:
        instance = get_housing_for_agent(request.user, housing_pk, organisation=organisation)
    area = selectors.collectivity_communes(organisation)
    form = HousingForm(
        request.POST or None, instance=instance, area=area if area.exists() else None
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            housing = form.save(commit=False)
            try:
                services.housing_save(housing=housing, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Logement enregistré : ouvrez ses périodes de disponibilité.")
                )
                return redirect("hosting:housing", pk=housing.pk)
        status = 400
    return render(
        request,
        "hosting/housing_edit.html",
        {"organisation": organisation, "form": form, "housing": instance},
        status=status,
    )


@require_POST
def period_add(request: AuthenticatedHttpRequest, housing_pk: int) -> HttpResponse:
    housing = get_housing_for_agent(request.user, housing_pk)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            services.period_add(housing=housing, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Période de disponibilité ouverte."))
    else:
        messages.error(request, _("Indiquez les deux dates de la période."))
    return redirect("hosting:housing", pk=housing.pk)


@require_http_methods(["GET", "POST"])
def activity_edit(
    request: AuthenticatedHttpRequest, pk: int, activity_pk: int | None = None
) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    instance = Activity(organisation=organisation)
    if activity_pk is not None:
        instance = get_activity_for_agent(request.user, activity_pk, organisation=organisation)
    form = ActivityForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_save(activity=form.save(commit=False), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Activité enregistrée."))
                return redirect("hosting:manage", pk=pk)
        status = 400
    return render(
        request,
        "hosting/activity_edit.html",
        {"organisation": organisation, "form": form, "activity": instance},
        status=status,
    )


@require_POST
def booking_decide(request: AuthenticatedHttpRequest, booking_pk: int) -> HttpResponse:
    booking = get_booking_for_agent(request.user, booking_pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.booking_decide(
            booking=booking, by=request.user, accept=accept, message=request.POST.get("message", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Séjour accepté : le professionnel est prévenu.")
            if accept
            else _("Demande refusée : le professionnel est prévenu."),
        )
    return redirect("hosting:manage", pk=booking.housing.organisation_id)


@require_POST
def support_propose(request: AuthenticatedHttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    organisation = get_collectivity_for_agent(request.user, pk)
    offer = get_object_or_404(Offer.objects.published(), pk=offer_pk)
    form = SupportProposalForm(request.POST, collectivity=organisation)
    if form.is_valid():
        try:
            services.support_propose(
                offer=offer,
                collectivity=organisation,
                by=request.user,
                housing=form.cleaned_data["housing"],
                activities=list(form.cleaned_data["activities"]),
                personal_welcome=form.cleaned_data["personal_welcome"],
                message=form.cleaned_data["message"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Soutien proposé : la structure est prévenue."))
    else:
        messages.error(request, _("Proposition invalide : vérifiez le logement et les activités."))
    return redirect("hosting:manage", pk=pk)


@require_POST
def support_request(request: AuthenticatedHttpRequest, offer_pk: int) -> HttpResponse:
    offer = get_offer_for_editor(request.user, offer_pk)
    collectivities = selectors.collectivities_covering(offer.commune) if offer.commune else None
    form = SupportRequestForm(
        request.POST, collectivities=collectivities or Organisation.objects.none()
    )
    if form.is_valid():
        try:
            services.support_request(
                offer=offer,
                collectivity=form.cleaned_data["collectivity"],
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Demande envoyée à la collectivité."))
    else:
        messages.error(request, _("Choisissez une collectivité du territoire de l’annonce."))
    return redirect(offer)


@require_POST
def support_decide(request: AuthenticatedHttpRequest, support_pk: int) -> HttpResponse:
    support = get_support_for_decider(request.user, support_pk)
    was_request = support.status == SupportStatus.REQUESTED
    housing, activities = None, []
    if was_request:
        form = SupportProposalForm(request.POST, collectivity=support.collectivity)
        if form.is_valid():
            housing = form.cleaned_data["housing"]
            activities = list(form.cleaned_data["activities"])
    try:
        services.support_decide(
            support=support,
            by=request.user,
            accept=request.POST.get("decision") == "accept",
            housing=housing,
            activities=activities,
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Réponse enregistrée."))
    if was_request:
        return redirect("hosting:manage", pk=support.collectivity_id)
    return redirect(support.offer)


# Professionals: stays --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def stay_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation, _agent = _public_collectivity(request, pk)
    needs_profile = redirect_to_professional_profile(
        request, message=_("Pour préparer un séjour, indiquez d’abord votre profession.")
    )
    if needs_profile:
        return needs_profile
    offer = None
    offer_pk = request.GET.get("annonce") or request.POST.get("annonce") or ""
    if offer_pk.isdigit():
        offer = Offer.objects.published().filter(pk=int(offer_pk)).first()
    initial = {}
    housing_pk = request.GET.get("logement", "")
    if housing_pk.isdigit():
        initial["housing"] = int(housing_pk)
    form = StayForm(request.POST or None, collectivity=organisation, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stay = services.stay_plan(
                    professional=request.user,
                    collectivity=organisation,
                    offer=offer,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    housing=form.cleaned_data["housing"],
                    activities=list(form.cleaned_data["activities"]),
                    peers_visible=form.cleaned_data["peers_visible"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Séjour préparé : la demande de logement est envoyée."))
                return redirect(stay)
        status = 400
    return render(
        request,
        "hosting/stay_new.html",
        {"organisation": organisation, "form": form, "offer": offer},
        status=status,
    )


@require_safe
def stays(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "hosting/stays.html", {"stays": selectors.stays_of(request.user)})


@require_safe
def stay(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stay = get_stay_for_professional(request.user, pk)
    territory_page = TerritoryPage.objects.filter(organisation=stay.collectivity).first()
    peers = selectors.peers_of(stay)
    return render(
        request,
        "hosting/stay.html",
        {
            "stay": stay,
            "territory_page": territory_page,
            "bookings": stay.bookings.select_related("housing__commune"),
            "activities": stay.activities.all(),
            # One form per peer, each with its own ids: with a shared id, every label but the
            # first pointed at the first peer's text box.
            "peer_forms": [
                (peer, PeerMessageForm(auto_id=f"id_peer{peer.pk}_%s")) for peer in peers
            ],
            "peer_messages": stay.peer_messages_received.select_related(
                "sender__professional"
            ).order_by("-created_at")[:20],
            "feedback_open": stay.cancelled_at is None
            and timezone.localdate() >= stay.end - timedelta(days=1),
        },
    )


@require_safe
def stay_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stay = get_stay_for_professional(request.user, pk)
    response = HttpResponse(stay_ics(stay), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sejour-{stay.pk}.ics"'
    return response


@require_POST
def stay_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stay = get_stay_for_professional(request.user, pk)
    services.stay_cancel(stay=stay, by=request.user)
    messages.info(request, _("Séjour annulé."))
    return redirect("hosting:stays")


@require_http_methods(["GET", "POST"])
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stay = get_stay_for_professional(request.user, pk)
    existing = getattr(stay, "feedback", None)
    initial = {}
    if existing is not None:
        initial = {
            name: getattr(existing, name)
            for name in ("went_well", "to_improve", "would_come_back", "would_settle", "publish")
        }
    form = FeedbackForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.feedback_save(stay=stay, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Merci pour votre retour !"))
                return redirect(stay)
        status = 400
    return render(request, "hosting/feedback.html", {"stay": stay, "form": form}, status=status)


@require_POST
def peer_message(request: AuthenticatedHttpRequest, pk: int, peer_pk: int) -> HttpResponse:
    stay = get_stay_for_professional(request.user, pk)
    recipient = get_object_or_404(Stay, pk=peer_pk)
    form = PeerMessageForm(request.POST)
    if form.is_valid():
        try:
            services.peer_message_send(
                sender=stay, recipient=recipient, body=form.cleaned_data["body"]
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Message envoyé."))
    else:
        messages.error(request, _("Écrivez un message (2 000 caractères au plus)."))
    return redirect(stay)


@login_not_required
@require_http_methods(["GET", "POST"])
def installation(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click question: the emailed link carries the answer, a click confirms it."""
    check = get_object_or_404(
        InstallationCheck.objects.select_related("stay__collectivity"), token=token
    )
    answer = request.GET.get("reponse", "")
    form = InstallationForm(
        request.POST or None, initial={"settled": answer} if answer in ("oui", "non") else {}
    )
    if request.method == "POST" and form.is_valid():
        services.installation_answer(
            check=check,
            settled=form.cleaned_data["settled"],
            commune=form.cleaned_data["commune_name"],
        )
        return render(request, "hosting/installation_thanks.html", {"check": check})
    return render(
        request,
        "hosting/installation.html",
        {"check": check, "form": form},
        status=400 if request.method == "POST" else 200,
    )
