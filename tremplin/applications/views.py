from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.accounts.permissions import redirect_to_professional_profile
from tremplin.applications import documents, kept_cv, selectors, services
from tremplin.applications.forms import (
    ApplyForm,
    DecisionForm,
    MessageForm,
    ProfileCvForm,
    ReportForm,
)
from tremplin.applications.metrics import offers_metrics, organisation_metrics
from tremplin.applications.models import Application, Side
from tremplin.applications.permissions import (
    MODERATOR,
    get_application_for_user,
    get_document_for_user,
    get_health_organisation_for_member,
    get_offer_to_apply,
)
from tremplin.offers.models import Offer
from tremplin.offers.permissions import get_offer_for_reader, health_organisations_of
from tremplin.organisations.permissions import require_moderator


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest, offer_pk: int) -> HttpResponse:
    offer = get_offer_to_apply(offer_pk)
    needs_profile = redirect_to_professional_profile(
        request, message=_("Pour candidater, indiquez d’abord votre profession dans votre profil.")
    )
    if needs_profile:
        return needs_profile
    existing = selectors.application_to(request.user, offer)
    if existing is not None:
        messages.info(
            request, _("Vous avez déjà candidaté à cette annonce : voici votre candidature.")
        )
        return redirect(existing)
    profile_cv = documents.profile_cv_of(request.user)
    kept = kept_cv.kept_cv_of(session=request.session, offer_pk=offer.pk)
    form = ApplyForm(
        request.POST or None, request.FILES or None, has_profile_cv=profile_cv is not None
    )
    status = 200
    if request.method == "POST":
        if kept is not None and request.POST.get("drop_kept_cv"):
            kept_cv.kept_cv_drop(session=request.session)
            kept = None
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("cv")
            if upload is None and kept is not None and not data.get("use_profile_cv"):
                upload = kept_cv.kept_cv_upload(kept)
            try:
                application = services.application_create(
                    offer=offer,
                    candidate=request.user,
                    message=data["message"],
                    available_from=data["available_from"],
                    available_until=data["available_until"],
                    cv_upload=upload,
                    use_profile_cv=bool(data.get("use_profile_cv")),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                kept_cv.kept_cv_drop(session=request.session)
                messages.success(
                    request, _("Candidature envoyée : la structure est prévenue par e-mail.")
                )
                return redirect(application)
        # The other errors do not cost the candidate the CV they chose: it is kept.
        if new_cv := request.FILES.get("cv"):
            kept = (
                kept_cv.kept_cv_store(
                    session=request.session,
                    user_pk=request.user.pk,
                    offer_pk=offer.pk,
                    upload=new_cv,
                )
                or kept
            )
        status = 400
    return render(
        request,
        "applications/apply.html",
        {"offer": offer, "form": form, "profile_cv": profile_cv, "kept_cv": kept},
        status=status,
    )


@require_safe
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/mine.html",
        {
            "applications": selectors.applications_of_candidate(request.user),
            "saved_count": selectors.saved_offers_of(request.user).count(),
        },
    )


@require_safe
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, side = get_application_for_user(request.user, pk)
    if side in (Side.CANDIDATE, Side.ORGANISATION):
        application = services.application_mark_read(
            application=application, by=request.user, side=side
        )
    return _render_detail(request, application, side)


def _render_detail(
    request: HttpRequest,
    application: Application,
    side: str,
    *,
    message_form: MessageForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = application.next_statuses()
    can_write = side in (Side.CANDIDATE, Side.ORGANISATION) and application.anonymised_at is None
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "side": side,
            "is_candidate": side == Side.CANDIDATE,
            "is_organisation": side == Side.ORGANISATION,
            "is_moderator_view": side == MODERATOR,
            "thread": selectors.thread(application),
            # The candidate sees their own profile elsewhere; the others see its verification.
            "candidate_profile": (
                None if side == Side.CANDIDATE else selectors.candidate_profile(application)
            ),
            "message_form": message_form or (MessageForm() if can_write else None),
            # A submitted form is shown with its errors even when no decision is left (a page
            # left open while a colleague declined): otherwise the 400 would not say why.
            "decision_form": decision_form
            or (DecisionForm(allowed=allowed) if side == Side.ORGANISATION and allowed else None),
            "report_form": ReportForm() if can_write and application.reported_at is None else None,
            "can_write": can_write and application.status != "withdrawn",
        },
        status=status,
    )


@require_POST
def message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, side = get_application_for_user(request.user, pk)
    if side not in (Side.CANDIDATE, Side.ORGANISATION):
        raise PermissionDenied
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_post(
                application=application,
                by=request.user,
                side=side,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Message envoyé."))
            return redirect(f"{application.get_absolute_url()}#fil")
    application.refresh_from_db()
    return _render_detail(request, application, side, message_form=form, status=400)


@require_POST
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, side = get_application_for_user(request.user, pk)
    if side != Side.ORGANISATION:
        raise Http404
    allowed = application.next_statuses()
    form = DecisionForm(
        request.POST, allowed=allowed, current=str(application.get_status_display())
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"] == "accepted":
                services.application_accept(
                    application=application,
                    by=request.user,
                    message=data["message"],
                    fill_offer=data["fill_offer"],
                    others_message=data["others_message"],
                )
            else:
                services.application_decide(
                    application=application,
                    by=request.user,
                    status=data["status"],
                    message=data["message"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Décision enregistrée : le candidat est prévenu."))
            return redirect(application)
    return _render_detail(request, application, side, decision_form=form, status=400)


@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, side = get_application_for_user(request.user, pk)
    if side != Side.CANDIDATE:
        raise Http404
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Candidature retirée."))
    return redirect("applications:mine")


@require_POST
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application, side = get_application_for_user(request.user, pk)
    if side not in (Side.CANDIDATE, Side.ORGANISATION):
        raise Http404
    form = ReportForm(request.POST)
    if form.is_valid():
        services.application_report(
            application=application, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Signalement transmis à l’équipe de modération."))
    else:
        messages.error(request, _("Expliquez en quelques mots ce qui pose problème."))
    return redirect(application)


@require_safe
def document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    doc, application = get_document_for_user(request.user, pk)
    data = documents.document_open(document=doc, application=application, by=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_ascii(doc.original_name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in name) or "document.pdf"


@require_safe
def inbox(request: AuthenticatedHttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = get_health_organisation_for_member(request.user, organisation_pk)
    offer = None
    offer_pk = request.GET.get("annonce", "")
    if offer_pk.isdigit():
        offer = Offer.objects.filter(organisation=organisation, pk=int(offer_pk)).first()
        if offer is None:
            raise Http404
    status = request.GET.get("statut", "")
    applications = selectors.organisation_inbox([organisation], offer=offer, status=status)
    offers = list(Offer.objects.filter(organisation=organisation).order_by("-updated_at"))
    return render(
        request,
        "applications/inbox.html",
        {
            "organisation": organisation,
            "applications": applications,
            "offer": offer,
            "status": status,
            "offers": offers,
            "metrics": offers_metrics(offers),
            "organisation_metrics": organisation_metrics(organisation),
            "unread": selectors.unread_counts([organisation]),
        },
    )


@require_safe
def inboxes(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = health_organisations_of(request.user)
    if len(organisations) == 1:
        return redirect("applications:inbox", organisation_pk=organisations[0].pk)
    return render(
        request,
        "applications/inboxes.html",
        {"organisations": organisations, "unread": selectors.unread_counts(organisations)},
    )


@require_safe
def favourites(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "applications/favourites.html", {"saved": selectors.saved_offers_of(request.user)}
    )


@require_POST
def favourite_toggle(request: AuthenticatedHttpRequest, offer_pk: int) -> HttpResponse:
    offer = get_offer_for_reader(request.user, offer_pk)
    saved = services.saved_offer_toggle(user=request.user, offer=offer)
    messages.success(
        request, _("Annonce sauvegardée.") if saved else _("Annonce retirée de vos favoris.")
    )
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(offer)


@require_http_methods(["GET", "POST"])
def profile_cv(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileCvForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            documents.profile_cv_delete(user=request.user)
            messages.success(request, _("CV supprimé."))
            return redirect("applications:profile_cv")
        if form.is_valid():
            try:
                documents.profile_cv_replace(user=request.user, upload=form.cleaned_data["cv"])
            except ValidationError as error:
                form.add_error("cv", error)
            else:
                messages.success(request, _("CV enregistré : vous pourrez le joindre en un clic."))
                return redirect("applications:profile_cv")
        status = 400
    return render(
        request,
        "applications/profile_cv.html",
        {"form": form, "profile_cv": documents.profile_cv_of(request.user)},
        status=status,
    )


@require_safe
def reported(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_moderator(request.user)
    applications = (
        Application.objects.filter(reported_at__isnull=False)
        .select_related("offer__organisation")
        .order_by("-reported_at")
    )
    return render(request, "applications/reported.html", {"applications": applications})
