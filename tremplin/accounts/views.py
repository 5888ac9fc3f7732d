from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tremplin.accounts import forms, services
from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.accounts.models import User
from tremplin.organisations.selectors import invitations_pending_for


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        # The same page whether the address was new or not (services.user_signup).
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.user_confirm_email(token=token)
    except services.ConfirmationLinkExpired:
        return render(
            request,
            "accounts/confirm_failed.html",
            {"expired": True, "form": forms.ResendConfirmationForm()},
            status=400,
        )
    except services.ConfirmationLinkInvalid:
        return render(
            request,
            "accounts/confirm_failed.html",
            {"expired": False, "form": forms.ResendConfirmationForm()},
            status=400,
        )
    messages.success(
        request,
        _("Votre adresse %(email)s est confirmée. Vous pouvez vous connecter.")
        % {"email": user.email},
    )
    return redirect("accounts:login")


@login_not_required
@require_http_methods(["GET", "POST"])
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = forms.ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(
            email__iexact=form.cleaned_data["email"], email_confirmed_at__isnull=True
        ).first()
        if user is not None:
            services.user_send_confirmation(user=user)
        # Same answer whether the address exists or not: no account enumeration.
        messages.info(
            request,
            _(
                "Si un compte non confirmé existe pour cette adresse, un nouveau lien vient d’y être envoyé."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend_confirmation.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:profile")
    form = forms.LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None  # clean() sets it on a valid form
        login(request, form.user)
        services.login_clear_failures(email=form.user.email)
        return redirect(next_url or "accounts:profile")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "resend_form": forms.ResendConfirmationForm()},
    )


# Written by the identity app (by name: it sits above accounts) after a login at an OpenID
# Connect provider: the URL ending the provider's session too, and its state.
PROVIDER_LOGOUT_SESSION_KEY = "identity_end_session"
PROVIDER_LOGOUT_STATE_SESSION_KEY = "identity_end_session_state"


@require_POST
def logout_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    end_session = request.session.get(PROVIDER_LOGOUT_SESSION_KEY)
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    if isinstance(end_session, dict) and end_session.get("url"):
        # The provider sends the person back with the state, checked in the new session.
        request.session[PROVIDER_LOGOUT_STATE_SESSION_KEY] = {
            "state": end_session["state"],
            "provider": end_session["provider"],
        }
        return redirect(end_session["url"])
    return redirect("core:home")


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    account_form = forms.AccountForm(
        request.POST if request.POST.get("section") == "account" else None,
        instance=user,
        prefix="account",
    )
    professional_form = forms.ProfessionalProfileForm(
        request.POST if request.POST.get("section") == "professional" else None,
        instance=getattr(user, "professional_profile", None),
        prefix="pro",
    )
    if request.method == "POST":
        if request.POST.get("section") == "account" and account_form.is_valid():
            account_form.save()
            messages.success(request, _("Vos informations sont enregistrées."))
            return redirect("accounts:profile")
        if request.POST.get("section") == "professional" and professional_form.is_valid():
            try:
                services.professional_profile_save(user=user, **professional_form.cleaned_data)
            except ValidationError as error:
                # The bound form is shown again: what else was typed is kept.
                professional_form.add_error(None, error)
            else:
                messages.success(request, _("Votre profil professionnel est enregistré."))
                return redirect(_safe_next(request) or "accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "account_form": account_form,
            "professional_form": professional_form,
            "memberships": user.memberships.select_related("organisation"),
            "invitations": invitations_pending_for(user=user),
            "next": _safe_next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.DsfrPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset_body.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.DsfrSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: "SetPasswordForm[User]") -> HttpResponse:
        # Receiving the reset email proves the address: confirm it too.
        response = super().form_valid(form)
        form.user.confirm_email()
        services.login_clear_failures(email=form.user.email)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
