"""Pages of the terrains de stage: the public list and page, the organisation's editor, the
collectivités' housings, the docteurs juniors' interest and booking, the coordination."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.hosting.semesters import Semester, semester_from_key, semesters_upcoming
from tremplin.juniors import selectors, services
from tremplin.juniors.forms import (
    AttachForm,
    SemesterForm,
    SupervisorForm,
    TerrainFilterForm,
    TerrainForm,
)
from tremplin.juniors.models import Terrain
from tremplin.juniors.permissions import (
    get_coordinator_organisation,
    get_health_organisation_for_member,
    get_supervisor_for_editor,
    get_terrain_for_editor,
    get_terrain_for_viewer,
    get_terrain_housing_for_agent,
    get_terrain_housing_for_booking,
)

# Excel opens a UTF-8 file as such only when it starts with a byte order mark.
BOM = "\ufeff"


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Action non autorisée.")


def _upcoming() -> list[Semester]:
    return semesters_upcoming(today=timezone.localdate(), count=3)


# Public pages ------------------------------------------------------------------------------------


@login_not_required
@require_safe
def terrains(request: HttpRequest) -> HttpResponse:
    form = TerrainFilterForm(
        request.GET or None,
        departements=selectors.departements_with_terrains(),
        semesters=_upcoming(),
    )
    departement, semester = "", None
    if form.is_valid():
        departement = form.cleaned_data["departement"]
        semester = semester_from_key(form.cleaned_data["semestre"] or "")
    return render(
        request,
        "juniors/terrains.html",
        {
            "form": form,
            "terrains": selectors.terrains_public(departement=departement, semester=semester),
        },
    )


def _terrain_page(
    request: HttpRequest, terrain: Terrain, *, member: bool, status: int = 200
) -> HttpResponse:
    semesters = selectors.terrain_semesters(terrain, viewer=request.user)
    housings = (
        selectors.housings_attachable(user=request.user, terrain=terrain)
        if request.user.is_authenticated
        else None
    )
    attach_form = None
    if housings is not None and housings.exists() and semesters:
        attach_form = AttachForm(housings=housings, semesters=[v.semester for v in semesters])
    profile = getattr(request.user, "professional_profile", None)
    return render(
        request,
        "juniors/terrain.html",
        {
            "terrain": terrain,
            "is_member": member,
            "semesters": semesters,
            "supervisors": terrain.supervisors.all(),
            "attach_form": attach_form,
            "is_junior_doctor": profile is not None and profile.status == "docteur_junior",
            "my_housings": {h.pk for h in housings} if housings is not None else set(),
        },
        status=status,
    )


@login_not_required
@require_safe
def terrain(request: HttpRequest, pk: int) -> HttpResponse:
    terrain, member = get_terrain_for_viewer(request.user, pk)
    return _terrain_page(request, terrain, member=member)


# Docteurs juniors ------------------------------------------------------------------------------


@require_POST
def interest(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terrain, _member = get_terrain_for_viewer(request.user, pk)
    form = SemesterForm(request.POST, semesters=terrain.semester_list())
    if not form.is_valid():
        messages.error(request, _("Choisissez un semestre du terrain."))
        return redirect(terrain)
    semester = form.semester()
    if request.POST.get("action") == "withdraw":
        services.interest_withdraw(terrain=terrain, semester=semester, professional=request.user)
        messages.success(
            request, _("Votre intérêt pour %(semester)s est retiré.") % {"semester": semester}
        )
        return redirect(terrain)
    try:
        services.interest_mark(terrain=terrain, semester=semester, professional=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _(
                "Intérêt enregistré pour %(semester)s : le terrain, la faculté et l’ARS le "
                "voient ; l’affectation reste leur décision."
            )
            % {"semester": semester},
        )
    return redirect(terrain)


@require_POST
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A docteur junior asks for one place in a housing attached to the terrain, for the whole
    semester; a refusal says why on the terrain page."""
    link = get_terrain_housing_for_booking(pk)
    try:
        services.terrain_housing_book(link=link, professional=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _(
                "Demande envoyée pour « %(name)s », %(semester)s : la collectivité vous "
                "répondra par e-mail."
            )
            % {"name": link.housing.name, "semester": link.semester},
        )
    return redirect(link.terrain)


# Collectivités ----------------------------------------------------------------------------------


@require_POST
def housing_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terrain, _member = get_terrain_for_viewer(request.user, pk)
    housings = selectors.housings_attachable(user=request.user, terrain=terrain)
    form = AttachForm(request.POST, housings=housings, semesters=terrain.semester_list())
    if form.is_valid():
        try:
            link = services.terrain_housing_attach(
                terrain=terrain,
                semester=form.semester(),
                housing=form.cleaned_data["housing"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("« %(name)s » est proposé pour %(semester)s.")
                % {"name": link.housing.name, "semester": link.semester},
            )
    else:
        messages.error(request, _("Choisissez un logement et un semestre."))
    return redirect(terrain)


@require_POST
def housing_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = get_terrain_housing_for_agent(request.user, pk)
    terrain = link.terrain
    services.terrain_housing_withdraw(link=link, by=request.user)
    messages.success(request, _("Le logement n’est plus proposé pour ce semestre."))
    return redirect(terrain)


# Health organisations --------------------------------------------------------------------------


@require_safe
def manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_health_organisation_for_member(request.user, pk)
    return render(
        request,
        "juniors/manage.html",
        {"organisation": organisation, "terrains": selectors.organisation_terrains(organisation)},
    )


def _edit(request: AuthenticatedHttpRequest, instance: Terrain) -> HttpResponse:
    known = instance.semester_list() if instance.pk else []
    upcoming = _upcoming()
    semesters = sorted({*known, *upcoming}, key=lambda s: s.start)
    form = TerrainForm(request.POST or None, instance=instance, semesters=semesters)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            terrain = form.save(commit=False)
            try:
                services.terrain_save(terrain=terrain, semesters=form.semesters(), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Terrain enregistré."))
                return redirect("juniors:edit", pk=terrain.pk)
        status = 400
    context: dict[str, object] = {
        "organisation": instance.organisation,
        "form": form,
        "terrain": instance,
    }
    if instance.pk:
        context["supervisors"] = instance.supervisors.all()
        context["supervisor_form"] = SupervisorForm()
    return render(request, "juniors/terrain_edit.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def terrain_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_health_organisation_for_member(request.user, pk)
    return _edit(request, Terrain(organisation=organisation))


@require_http_methods(["GET", "HEAD", "POST"])
def terrain_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_terrain_for_editor(request.user, pk))


@require_POST
def supervisor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terrain = get_terrain_for_editor(request.user, pk)
    form = SupervisorForm(request.POST)
    if form.is_valid():
        try:
            services.supervisor_add(terrain=terrain, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Maître de stage ajouté."))
    else:
        messages.error(request, _("Indiquez le nom et la spécialité du maître de stage."))
    return redirect("juniors:edit", pk=terrain.pk)


@require_POST
def supervisor_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    supervisor = get_supervisor_for_editor(request.user, pk)
    terrain = supervisor.terrain
    try:
        services.supervisor_remove(supervisor=supervisor, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Maître de stage retiré."))
    return redirect("juniors:edit", pk=terrain.pk)


@require_POST
def terrain_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    terrain = get_terrain_for_editor(request.user, pk)
    try:
        if request.POST.get("action") == "unpublish":
            services.terrain_unpublish(terrain=terrain, by=request.user)
            messages.success(request, _("Le terrain est repassé en brouillon."))
        else:
            services.terrain_publish(terrain=terrain, by=request.user)
            messages.success(request, _("Terrain publié : les docteurs juniors le voient."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("juniors:edit", pk=terrain.pk)


# Coordination (ARS, DMG) -----------------------------------------------------------------------


@require_safe
def coordination(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_coordinator_organisation(request.user, pk)
    rows = selectors.coordination_rows(organisation)
    groups: dict[str, list[selectors.CoordinationRow]] = {}
    for row in rows:
        groups.setdefault(f"{row.departement.name} ({row.departement.code})", []).append(row)
    return render(
        request,
        "juniors/coordination.html",
        {
            "organisation": organisation,
            "groups": groups,
            "departements": selectors.coordination_departements(organisation),
        },
    )


@require_safe
def coordination_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_coordinator_organisation(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"tremplin-terrains-{slugify(organisation.name)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Département"),
            _("Terrain de stage"),
            _("Structure"),
            _("Commune"),
            _("Semestre"),
            _("Places"),
            _("Places logées"),
            _("Logement"),
            _("Logements proposés"),
            _("Intérêts"),
        ]
    )
    for row in selectors.coordination_rows(organisation):
        writer.writerow(
            [
                row.departement.code,
                row.terrain.name,
                row.terrain.organisation.name,
                row.terrain.commune.name,
                row.semester.key,
                row.places,
                row.housing_places,
                row.coverage_label,
                ", ".join(row.housings),
                row.interests,
            ]
        )
    return response
