import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.accounts.models import ProfessionalProfile
from tremplin.core.validators import normalise_digits
from tremplin.hosting.dates import month_add, month_text
from tremplin.missions import selectors, services
from tremplin.missions.forms import (
    BookForm,
    HeldForm,
    HostSiteForm,
    RedZoneImportForm,
    RppsSearchForm,
    SlotForm,
)
from tremplin.missions.ics import mission_ics
from tremplin.missions.models import HostSite, MissionSlot
from tremplin.missions.permissions import (
    get_booking_for_doctor,
    get_organisation_for_member,
    get_partner_for_member,
    get_site_for_member,
    get_slot_for_member,
    require_moderator,
)
from tremplin.organisations.models import Organisation, OrganisationType

BOM = "\ufeff"


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Action non autorisée.")


def _month(request: HttpRequest) -> date:
    """The month of `?mois=AAAA-MM`, this month when absent or malformed."""
    raw = request.GET.get("mois", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _month_links(first: date) -> dict:
    return {
        "month_label": month_text(first.year, first.month),
        "previous": f"{month_add(first, -1):%Y-%m}",
        "next": f"{month_add(first, 1):%Y-%m}",
        "previous_label": month_text(month_add(first, -1).year, month_add(first, -1).month),
        "next_label": month_text(month_add(first, 1).year, month_add(first, 1).month),
    }


# Public: the open slots ----------------------------------------------------------------------


@login_not_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    slots = list(selectors.open_slots()[:200])
    return render(request, "missions/index.html", {"slots": slots})


@login_not_required
@require_safe
def slot(request: HttpRequest, pk: int) -> HttpResponse:
    mission_slot = get_object_or_404(
        MissionSlot.objects.select_related("site__organisation", "site__commune", "housing"),
        pk=pk,
    )
    profile = getattr(request.user, "professional_profile", None)
    return render(
        request,
        "missions/slot.html",
        {
            "slot": mission_slot,
            "is_open": selectors.open_slots().filter(pk=pk).exists(),
            "form": BookForm(),
            "profile": profile,
        },
    )


# The doctor ---------------------------------------------------------------------------------


@require_POST
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mission_slot = get_object_or_404(
        MissionSlot.objects.select_related("site__commune", "housing"), pk=pk
    )
    form = BookForm(request.POST)
    form.is_valid()
    try:
        services.mission_book(
            slot=mission_slot,
            doctor=request.user,
            with_housing=bool(form.cleaned_data.get("with_housing")),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("missions:slot", pk=pk)
    messages.success(request, _("Votre mission est réservée. Le lieu d’accueil est prévenu."))
    return redirect("missions:mine")


@require_safe
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = getattr(request.user, "professional_profile", None)
    return render(
        request,
        "missions/mine.html",
        {"bookings": selectors.doctor_bookings(request.user), "profile": profile},
    )


@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_doctor(request.user, pk)
    try:
        services.mission_cancel(booking=booking, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Votre mission est annulée ; le lieu d’accueil est prévenu."))
    return redirect("missions:mine")


@require_safe
def booking_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_doctor(request.user, pk)
    response = HttpResponse(mission_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mission-{booking.pk}.ics"'
    return response


# The host site -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sites(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_member(request.user, pk)
    form = HostSiteForm(request.POST or None, instance=HostSite(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        site = form.save(commit=False)
        try:
            services.host_site_save(site=site, by=request.user)
        except PermissionDenied as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Le lieu d’accueil est enregistré."))
            return redirect("missions:site_calendar", pk=site.pk)
    site_list = [
        (site, selectors.commune_is_red_zone(site.commune))
        for site in selectors.sites_of(organisation)
    ]
    return render(
        request,
        "missions/sites.html",
        {"organisation": organisation, "sites": site_list, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def site_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    site = get_site_for_member(request.user, pk)
    first = _month(request)
    form = SlotForm(request.POST or None, organisation=site.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_slot = services.slot_publish(
                site=site,
                day=data["day"],
                period=data["period"],
                by=request.user,
                equipment=data["equipment"],
                secretariat=data["secretariat"],
                housing=data["housing"],
                housing_note=data["housing_note"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Le créneau est publié."))
            return redirect(f"{request.path}?mois={new_slot.date:%Y-%m}")
    return render(
        request,
        "missions/site_calendar.html",
        {
            "site": site,
            "in_red_zone": selectors.commune_is_red_zone(site.commune),
            "month": selectors.site_month(site, year=first.year, month=first.month),
            "form": form,
            "held_form": HeldForm(),
            "today": timezone.localdate(),
            **_month_links(first),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def slot_held(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mission_slot = get_slot_for_member(request.user, pk)
    form = HeldForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.slot_mark_held(
                slot=mission_slot,
                by=request.user,
                patients_seen=form.cleaned_data.get("patients_seen"),
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("La mission est enregistrée comme tenue."))
    return redirect(f"{_site_calendar_url(mission_slot.site_id)}?mois={mission_slot.date:%Y-%m}")


def _site_calendar_url(pk: int) -> str:
    return reverse("missions:site_calendar", kwargs={"pk": pk})


# Moderators: the zones rouges ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def zones(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_moderator(request.user)
    form = RedZoneImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.red_zones_import(
                content=form.cleaned_data["file"],
                arrete_on=form.cleaned_data["arrete"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", _error_text(error))
        else:
            messages.success(
                request,
                _("La liste des zones rouges est remplacée : %(count)s intercommunalités.")
                % {"count": count},
            )
            return redirect("missions:zones")
    return render(
        request,
        "missions/zones.html",
        {"form": form, "zones": selectors.red_zones()},
        status=400 if request.method == "POST" else 200,
    )


# Partners: RPPS verification and the monthly report ------------------------------------------


@require_http_methods(["GET", "POST"])
def partner(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_partner_for_member(request.user, pk)
    form = RppsSearchForm(request.GET if "rpps" in request.GET else None)
    found = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        rpps = normalise_digits(form.cleaned_data["rpps"])
        found = (
            ProfessionalProfile.objects.select_related("user", "rpps_verified_by_organisation")
            .filter(rpps=rpps)
            .first()
            if rpps
            else None
        )
    if request.method == "POST":
        profile = get_object_or_404(ProfessionalProfile, pk=request.POST.get("profile"))
        try:
            services.rpps_verify(profile=profile, partner=organisation, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("Le RPPS de %(name)s est vérifié.") % {"name": str(profile.user)}
            )
        return redirect(f"{request.path}?rpps={profile.rpps}")
    return render(
        request,
        "missions/partner.html",
        {
            "organisation": organisation,
            "form": form,
            "found": found,
            "searched": searched,
            "is_ars": organisation.type == OrganisationType.ARS,
            "can_verify": services.is_partner(organisation),
        },
    )


def _report_partner(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    organisation = get_partner_for_member(request.user, pk)
    if organisation.type != OrganisationType.ARS or not organisation.can_publish:
        raise PermissionDenied
    return organisation


@require_safe
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _report_partner(request, pk)
    first = _month(request)
    return render(
        request,
        "missions/report.html",
        {
            "organisation": organisation,
            "report": selectors.month_report(organisation, year=first.year, month=first.month),
            "month_param": f"{first:%Y-%m}",
            **_month_links(first),
        },
    )


@require_safe
def report_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _report_partner(request, pk)
    first = _month(request)
    result = selectors.month_report(organisation, year=first.year, month=first.month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"tremplin-missions-{slugify(organisation.name)}-{first:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response, delimiter=";")
    writer.writerow(selectors.REPORT_HEADERS)
    writer.writerows(selectors.month_report_rows(result))
    return response
