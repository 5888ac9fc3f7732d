from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.organisations import forms, selectors, services
from tremplin.organisations.models import (
    Membership,
    MembershipRequestStatus,
    MembershipRole,
    Organisation,
)
from tremplin.organisations.permissions import (
    get_invitation_for_invitee,
    get_membership_in,
    get_membership_request_in,
    get_organisation_for_admin,
    get_organisation_for_member,
    require_moderator,
)


@require_http_methods(["GET"])
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    return render(
        request,
        "organisations/list.html",
        {
            "memberships": memberships,
            "invitations": selectors.invitations_pending_for(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # An agent sent by the ProConnect login finds the form filled with what it knew.
    form = forms.OrganisationForm(request.POST or None, initial=forms.prefill_from(request.GET))
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _(
                "L’organisation « %(name)s » est créée. Elle est en attente de vérification : "
                "vous pouvez déjà préparer vos contenus, ils seront publiables une fois "
                "l’organisation vérifiée."
            )
            % {"name": organisation.name},
        )
        return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation, membership = get_organisation_for_member(request.user, pk)
    return _render_detail(request, organisation, membership, forms.InvitationForm())


def _render_detail(
    request: HttpRequest,
    organisation: Organisation,
    membership: Membership | None,
    invitation_form: forms.InvitationForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "members": organisation.memberships.select_related("user"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "invitation_form": invitation_form,
            "membership_requests": organisation.membership_requests.filter(
                status=MembershipRequestStatus.PENDING
            ).select_related("user"),
        },
        status=status,
    )


@require_POST
def invitation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    form = forms.InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return _render_detail(request, organisation, _membership, form, status=400)


@require_POST
def invitation_cancel(
    request: AuthenticatedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    invitation = get_object_or_404(
        organisation.invitations, pk=invitation_pk, accepted_at__isnull=True
    )
    invitation.delete()
    messages.info(request, _("Invitation annulée."))
    return redirect("organisations:detail", pk=organisation.pk)


@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    target = get_membership_in(organisation, membership_pk)
    try:
        services.membership_remove(membership=target, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s ne fait plus partie de l’organisation.") % {"name": target.user}
        )
    if target.user == request.user:
        return redirect("organisations:list")
    return redirect("organisations:detail", pk=organisation.pk)


@require_POST
def member_set_role(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    target = get_membership_in(organisation, membership_pk)
    role = request.POST.get("role")
    if role not in MembershipRole.values:
        messages.error(request, _("Rôle inconnu."))
        return redirect("organisations:detail", pk=organisation.pk)
    try:
        services.membership_set_role(membership=target, role=role, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s est désormais %(role)s.")
            % {"name": target.user, "role": target.get_role_display().lower()},
        )
    return redirect("organisations:detail", pk=organisation.pk)


@require_POST
def admin_hand_over(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    target = get_membership_in(organisation, membership_pk)
    services.admin_hand_over(organisation=organisation, to=target, by=request.user)
    messages.success(
        request,
        _("Vous avez transmis l’administration à %(name)s.") % {"name": target.user},
    )
    return redirect("organisations:detail", pk=organisation.pk)


@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_invitation_for_invitee(request.user, invitation_pk)
    if request.POST.get("decision") == "decline":
        services.invitation_decline(invitation=invitation)
        messages.info(request, _("Invitation déclinée."))
        return redirect("organisations:list")
    membership = services.invitation_accept(invitation=invitation, by=request.user)
    messages.success(
        request,
        _("Vous avez rejoint « %(name)s ».") % {"name": membership.organisation.name},
    )
    return redirect("organisations:detail", pk=membership.organisation.pk)


@require_http_methods(["GET"])
def moderation_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_moderator(request.user)
    return render(
        request,
        "organisations/moderation.html",
        {
            "pending": Organisation.objects.pending().prefetch_related("memberships__user"),
            "reject_form": forms.RejectForm(),
        },
    )


@require_POST
def moderation_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_moderator(request.user)
    organisation = get_object_or_404(Organisation, pk=pk)
    if request.POST.get("decision") == "verify":
        services.organisation_verify(organisation=organisation, by=request.user)
        messages.success(request, _("« %(name)s » est vérifiée.") % {"name": organisation.name})
        return redirect("organisations:moderation")
    form = forms.RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif du refus : l’organisation le verra."))
        return redirect("organisations:moderation")
    services.organisation_reject(
        organisation=organisation, by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("« %(name)s » est refusée.") % {"name": organisation.name})
    return redirect("organisations:moderation")


@require_POST
def membership_request_decide(
    request: AuthenticatedHttpRequest, pk: int, request_pk: int
) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    membership_request = get_membership_request_in(organisation, request_pk)
    name = membership_request.user.get_full_name() or membership_request.user.email
    if request.POST.get("decision") == "approve":
        services.membership_request_approve(request=membership_request, by=request.user)
        messages.success(request, _("%(name)s a rejoint l’organisation.") % {"name": name})
    elif request.POST.get("decision") == "decline":
        services.membership_request_decline(request=membership_request, by=request.user)
        messages.info(request, _("La demande de %(name)s est refusée.") % {"name": name})
    else:
        messages.error(request, _("Choisissez d’accepter ou de refuser la demande."))
    return redirect("organisations:detail", pk=organisation.pk)


@require_POST
def proconnect_auto_join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation, _membership = get_organisation_for_admin(request.user, pk)
    auto_join = request.POST.get("auto_join") == "on"
    services.organisation_set_proconnect_auto_join(
        organisation=organisation, auto_join=auto_join, by=request.user
    )
    if auto_join:
        messages.success(
            request,
            _(
                "Les agents dont le SIRET transmis par ProConnect correspond à l’organisation la "
                "rejoindront sans approbation."
            ),
        )
    else:
        messages.success(
            request,
            _("Un administrateur approuvera chaque agent qui demande à rejoindre l’organisation."),
        )
    return redirect("organisations:detail", pk=organisation.pk)
