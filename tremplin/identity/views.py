"""The login pages of Pro Santé Connect and ProConnect: start, callback, what is left to ask
(a profession among several, a situation, an address), the password proof before linking an
existing account, and the return from the provider's logout."""

import secrets
from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tremplin.accounts.forms import LoginForm
from tremplin.accounts.models import User
from tremplin.accounts.services import login_clear_failures
from tremplin.identity import services
from tremplin.identity.claims import (
    ClaimsRefused,
    ProConnectIdentity,
    ProSanteConnectIdentity,
    pro_sante_connect_identity,
    proconnect_identity,
)
from tremplin.identity.forms import ProSanteConnectCompleteForm
from tremplin.identity.models import IdentityProvider
from tremplin.identity.oidc import (
    LOGOUT_STATE_SESSION_KEY,
    ExchangeRefused,
    ProviderUnavailable,
    login_complete,
    login_redirect,
    logout_url_remember,
)
from tremplin.identity.providers import Provider, provider_by_slug

# The identity proved at the provider, until the account it goes to is settled.
PENDING_SESSION_KEY = "identity_pending"
NEXT_SESSION_KEY = "identity_next"


def _unavailable(provider: Provider) -> str:
    return _(
        "%(provider)s ne répond pas pour le moment : connectez-vous avec votre adresse e-mail "
        "ou réessayez plus tard."
    ) % {"provider": provider.label}


@login_not_required
@require_http_methods(["GET"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = provider_by_slug(slug)
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = next_url
    try:
        return login_redirect(request, provider)
    except ProviderUnavailable:
        messages.error(request, _unavailable(provider))
        return redirect("accounts:login")


@login_not_required
@require_http_methods(["GET"])
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = provider_by_slug(slug)
    if request.GET.get("error"):
        messages.info(
            request,
            _("La connexion avec %(provider)s a été annulée.") % {"provider": provider.label},
        )
        return redirect("accounts:login")
    try:
        claims = login_complete(request, provider)
    except ProviderUnavailable:
        messages.error(request, _unavailable(provider))
        return redirect("accounts:login")
    except ExchangeRefused:
        messages.error(
            request,
            _(
                "La connexion avec %(provider)s n’a pas abouti : sa réponse n’a pas pu être "
                "vérifiée (lien expiré ou déjà utilisé). Recommencez depuis le bouton "
                "%(provider)s."
            )
            % {"provider": provider.label},
        )
        return redirect("accounts:login")
    try:
        identity: ProSanteConnectIdentity | ProConnectIdentity
        if provider.key == IdentityProvider.PRO_SANTE_CONNECT:
            identity = pro_sante_connect_identity(claims)
        else:
            identity = proconnect_identity(claims)
    except ClaimsRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:login")
    fields = asdict(identity)
    fields.pop("siren", None)
    request.session[PENDING_SESSION_KEY] = {
        "provider": provider.key,
        "identity": fields,
        "end_session": claims.get("_end_session"),
        "link_user_id": None,
        "email": "",
    }
    return redirect("identity:continue")


def _pending(request: HttpRequest) -> dict | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("provider") not in IdentityProvider.values:
        return None
    return pending


def _identity(pending: dict) -> ProSanteConnectIdentity | ProConnectIdentity:
    if pending["provider"] == IdentityProvider.PRO_SANTE_CONNECT:
        return ProSanteConnectIdentity(**pending["identity"])
    return ProConnectIdentity(**pending["identity"])


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        _("Votre connexion a expiré : recommencez depuis la page de connexion."),
    )
    return redirect("accounts:login")


def _account_for(request: HttpRequest, pending: dict, subject: str) -> tuple[User | None, str]:
    """The account this identity goes to, or None for a new one; a French error otherwise."""
    linked = services.provider_account_user(provider=pending["provider"], subject=subject)
    current: User | None = None
    if request.user.is_authenticated:
        current = request.user
    elif pending.get("link_user_id"):
        current = User.objects.filter(pk=pending["link_user_id"], is_active=True).first()
    if linked and current and linked != current:
        return None, _(
            "Cette identité %(provider)s est déjà reliée à un autre compte Tremplin."
        ) % {"provider": IdentityProvider(pending["provider"]).label}
    return linked or current, ""


@login_not_required
@require_http_methods(["GET", "POST"])
def continue_login(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _expired(request)
    identity = _identity(pending)
    user, error = _account_for(request, pending, identity.subject)
    if error:
        request.session.pop(PENDING_SESSION_KEY, None)
        messages.error(request, error)
        return redirect("accounts:login")
    if user is None and services.email_taken_by(email=identity.email):
        return redirect("identity:link")
    try:
        if isinstance(identity, ProSanteConnectIdentity):
            return _continue_pro_sante_connect(request, pending, identity, user)
        return _continue_proconnect(request, pending, identity, user)
    except services.IdentityConflict as conflict:
        request.session.pop(PENDING_SESSION_KEY, None)
        messages.error(request, str(conflict))
        return redirect("accounts:login")


def _continue_pro_sante_connect(
    request: HttpRequest, pending: dict, identity: ProSanteConnectIdentity, user: User | None
) -> HttpResponse:
    profession = services.profession_for(identity=identity, user=user)
    ask_status = services.needs_status(user=user)
    ask_email = user is None and not identity.email
    form = None
    if profession is None or ask_status or ask_email:
        form = ProSanteConnectCompleteForm(
            request.POST if request.method == "POST" else None,
            professions=identity.professions,
            ask_profession=profession is None,
            ask_status=ask_status,
            ask_email=ask_email,
        )
        if request.method != "POST" or not form.is_valid():
            return render(
                request,
                "identity/complete.html",
                {"form": form, "identity": identity, "provider_label": _("Pro Santé Connect")},
                status=400 if request.method == "POST" else 200,
            )
        if ask_email and services.email_taken_by(email=form.cleaned_data["email"]):
            pending["email"] = form.cleaned_data["email"]
            request.session[PENDING_SESSION_KEY] = pending
            return redirect("identity:link")
    cleaned = form.cleaned_data if form is not None else {}
    user = services.pro_sante_connect_login(
        identity=identity,
        user=user,
        profession=profession or cleaned["profession"],
        status=cleaned.get("status"),
        email=cleaned.get("email", ""),
    )
    _log_in(request, user, pending)
    messages.success(
        request,
        _(
            "Identité vérifiée par Pro Santé Connect : votre numéro RPPS est vérifié et vous "
            "êtes connecté."
        ),
    )
    return redirect(request.session.pop(NEXT_SESSION_KEY, "") or "accounts:profile")


def _continue_proconnect(
    request: HttpRequest, pending: dict, identity: ProConnectIdentity, user: User | None
) -> HttpResponse:
    user = services.proconnect_login(identity=identity, user=user)
    _log_in(request, user, pending)
    placement = services.proconnect_place_agent(user=user, identity=identity)
    request.session.pop(NEXT_SESSION_KEY, None)
    for membership in placement.joined:
        messages.success(
            request,
            _("Agent vérifié par ProConnect : vous êtes membre de « %(name)s ».")
            % {"name": membership.organisation.name},
        )
    for membership_request in placement.requested:
        messages.info(
            request,
            _(
                "Votre demande pour rejoindre « %(name)s » est transmise à ses administrateurs : "
                "vous serez membre dès qu’ils l’auront acceptée."
            )
            % {"name": membership_request.organisation.name},
        )
    for membership_request in placement.declined:
        messages.warning(
            request,
            _("Les administrateurs de « %(name)s » ont refusé votre demande pour la rejoindre.")
            % {"name": membership_request.organisation.name},
        )
    if placement.joined:
        return redirect("organisations:detail", pk=placement.joined[0].organisation_id)
    if placement.requested or placement.declined:
        return redirect("organisations:list")
    messages.info(
        request,
        _(
            "Aucune collectivité vérifiée sur Tremplin ne correspond au SIRET %(siret)s transmis "
            "par ProConnect. Vous pouvez la créer : le formulaire est prérempli, et l’équipe de "
            "modération la vérifiera."
        )
        % {"siret": identity.siret},
    )
    return redirect(reverse("organisations:create") + f"?siret={identity.siret}")


def _log_in(request: HttpRequest, user: User, pending: dict) -> None:
    if not (request.user.is_authenticated and request.user.pk == user.pk):
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.pop(PENDING_SESSION_KEY, None)
    logout_url_remember(request, pending.get("end_session"))


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    """An account already holds the address: its owner proves it with its password before the
    identity is tied to it. Never a silent merge."""
    pending = _pending(request)
    if pending is None:
        return _expired(request)
    identity = _identity(pending)
    email = pending.get("email") or identity.email
    if not email:
        return redirect("identity:continue")
    form = LoginForm(request.POST or None, request=request, initial={"email": email})
    if request.method == "POST" and form.is_valid():
        assert form.user is not None  # clean() sets it on a valid form
        if form.user.email.lower() != email.lower():
            form.add_error(
                None,
                _("Connectez-vous au compte de l’adresse %(email)s pour le relier.")
                % {"email": email},
            )
        else:
            login_clear_failures(email=form.user.email)
            pending["link_user_id"] = form.user.pk
            request.session[PENDING_SESSION_KEY] = pending
            return redirect("identity:continue")
    return render(
        request,
        "identity/link.html",
        {
            "form": form,
            "email": email,
            "provider_label": IdentityProvider(pending["provider"]).label,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@require_http_methods(["GET"])
def logged_out(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here after ending its session too."""
    expected = request.session.pop(LOGOUT_STATE_SESSION_KEY, None)
    state = request.GET.get("state", "")
    if isinstance(expected, dict) and state and secrets.compare_digest(state, expected["state"]):
        messages.info(
            request,
            _("Vous êtes aussi déconnecté de %(provider)s.")
            % {"provider": IdentityProvider(expected["provider"]).label},
        )
    return redirect("core:home")
