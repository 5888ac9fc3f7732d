"""API tokens of an organisation, managed by its admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.syndication.forms import ApiTokenForm
from tremplin.syndication.permissions import get_organisation_for_tokens, get_token_for_admin
from tremplin.syndication.services_tokens import (
    RATE_PER_MINUTE,
    api_token_create,
    api_token_revoke,
)


@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_tokens(request.user, pk)
    form = ApiTokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, raw = api_token_create(
                    organisation=organisation, name=form.cleaned_data["name"], by=request.user
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                # Shown in this response only: the value is not stored.
                created = {"token": token, "raw": raw}
                form = ApiTokenForm()
        if not form.is_valid() and created is None:
            status = 400
    response = render(
        request,
        "syndication/tokens.html",
        {
            "organisation": organisation,
            "tokens": organisation.api_tokens.select_related("created_by", "revoked_by"),
            "form": form,
            "created": created,
            "rate": RATE_PER_MINUTE,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int, token_pk: int) -> HttpResponse:
    token = get_token_for_admin(request.user, pk, token_pk)
    api_token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("Jeton « %(name)s » révoqué : il ne donne plus accès à l’API.") % {"name": token.name},
    )
    return redirect("syndication:tokens", pk=pk)
