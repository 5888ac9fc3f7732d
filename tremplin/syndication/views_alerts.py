"""Alerts: created from a search by anyone, confirmed and unsubscribed through email links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.syndication import services_alerts
from tremplin.syndication.forms import AlertForm
from tremplin.syndication.models import Alert
from tremplin.syndication.permissions import get_alert_by_token


@login_not_required
@require_http_methods(["GET", "POST"])
def alert_create(request: HttpRequest) -> HttpResponse:
    """GET: the form for the search in the query string; POST: save the alert."""
    user = request.user if request.user.is_authenticated else None
    if request.method == "GET":
        form = AlertForm(
            initial={
                "query": request.GET.get("query", ""),
                "kind": request.GET.get("kind", "offers"),
                "email": user.email if user else "",
            }
        )
        return render(request, "syndication/alert_form.html", {"form": form})
    form = AlertForm(request.POST)
    if form.is_valid():
        try:
            alert = services_alerts.alert_create(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if alert.confirmed_at:
                messages.success(
                    request,
                    _(
                        "Alerte créée : « %(label)s ». Vous recevrez les nouvelles annonces à %(email)s."
                    )
                    % {"label": alert.label, "email": alert.email},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Presque fini : ouvrez le lien envoyé à %(email)s pour confirmer "
                        "l’alerte « %(label)s »."
                    )
                    % {"label": alert.label, "email": alert.email},
                )
            return redirect(alert.search_url())
    return render(request, "syndication/alert_form.html", {"form": form}, status=400)


@login_not_required
@require_http_methods(["GET", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links confirm nothing); POST confirms."""
    alert = get_alert_by_token(token)
    if request.method == "POST":
        services_alerts.alert_confirm(alert=alert)
        messages.success(request, _("Alerte confirmée : « %(label)s ».") % {"label": alert.label})
        return redirect(alert.search_url())
    return render(request, "syndication/alert_confirm.html", {"alert": alert})


@csrf_exempt  # RFC 8058 one-click POSTs come from mail clients; the token is the capability.
@login_not_required
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    alert = get_alert_by_token(token)
    if request.method == "POST":
        services_alerts.alert_unsubscribe(alert=alert)
        return render(request, "syndication/alert_unsubscribed.html", {"alert": alert})
    return render(request, "syndication/alert_unsubscribe.html", {"alert": alert})


@require_safe
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    alerts = Alert.objects.none()
    if request.user.email_confirmed_at is not None:
        alerts = Alert.objects.filter(
            email__iexact=request.user.email, unsubscribed_at__isnull=True
        ).order_by("-created_at")
    return render(request, "syndication/alert_list.html", {"alerts": alerts})
