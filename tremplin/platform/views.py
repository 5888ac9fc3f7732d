"""Pages that span every app: « Mon espace » (a person's entry points by role), the download of
their data, the deletion of their account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tremplin.accounts.forms import DeleteAccountForm
from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.organisations.models import Organisation
from tremplin.organisations.selectors import invitations_pending_for
from tremplin.platform import navigation, privacy


@require_safe
def account_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All the person's data in one archive: JSON and their files."""
    response = HttpResponse(
        privacy.account_export(user=request.user), content_type="application/zip"
    )
    response["Content-Disposition"] = 'attachment; filename="tremplin-mes-donnees.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    blocking: list[Organisation] = []
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_delete(user=request.user)
        except privacy.AccountDeletionRefused as refusal:
            blocking = refusal.organisations
        else:
            logout(request)
            messages.success(request, _("Votre compte et ses données ont été supprimés."))
            return redirect("core:home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "blocking": blocking},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def space(request: AuthenticatedHttpRequest) -> HttpResponse:
    """« Mon espace »: one section per role the person holds, with what waits for them."""
    sections = navigation.user_space(user=request.user, current_view="platform:space")
    return render(
        request,
        "platform/space.html",
        {
            "sections": sections,
            # The header reads the same sections instead of computing them again.
            "nav_sections": sections,
            "invitations": invitations_pending_for(user=request.user),
        },
    )
