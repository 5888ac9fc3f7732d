"""Partner channels for moderators, and where an offer went for its authors."""

from datetime import datetime, time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.organisations.permissions import require_moderator
from tremplin.syndication import selectors, services
from tremplin.syndication.forms import PartnerForm, ReplayForm
from tremplin.syndication.models import DeliveryStatus, Partner
from tremplin.syndication.permissions import get_offer_for_author, get_partner_for_moderator


@require_safe
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_moderator(request.user)
    return render(request, "syndication/partner_list.html", {"health": selectors.partners_health()})


@require_http_methods(["GET", "POST"])
def partner_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_moderator(request.user)
    return _partner_form(request, Partner())


@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _partner_form(request, get_partner_for_moderator(request.user, pk))


def _partner_form(request: AuthenticatedHttpRequest, partner: Partner) -> HttpResponse:
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        partner = services.partner_save(partner=form.save(commit=False), by=request.user)
        messages.success(request, _("Partenaire « %(name)s » enregistré.") % {"name": partner})
        return redirect("syndication:partner", pk=partner.pk)
    return render(
        request,
        "syndication/partner_form.html",
        {"form": form, "partner": partner},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def partner_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = get_partner_for_moderator(request.user, pk)
    status = request.GET.get("statut", "")
    if status not in DeliveryStatus.values:
        status = ""
    return render(
        request,
        "syndication/partner_detail.html",
        {
            "partner": partner,
            "health": selectors.partner_health(partner),
            "deliveries": selectors.partner_deliveries(partner, status=status),
            "statuses": DeliveryStatus.choices,
            "status": status,
            "replay_form": ReplayForm(),
        },
    )


@require_POST
def partner_pause(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = services.partner_pause(
        partner=get_partner_for_moderator(request.user, pk), by=request.user
    )
    messages.info(
        request,
        _("Envois vers « %(name)s » en pause : les annonces attendent sa reprise.")
        % {"name": partner},
    )
    return redirect("syndication:partner", pk=pk)


@require_POST
def partner_resume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = services.partner_resume(
        partner=get_partner_for_moderator(request.user, pk), by=request.user
    )
    messages.success(request, _("Envois vers « %(name)s » repris.") % {"name": partner})
    return redirect("syndication:partner", pk=pk)


@require_POST
def partner_replay(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = get_partner_for_moderator(request.user, pk)
    form = ReplayForm(request.POST)
    since = None
    if form.is_valid() and form.cleaned_data["since"]:
        since = timezone.make_aware(datetime.combine(form.cleaned_data["since"], time.min))
    count = services.partner_replay(partner=partner, by=request.user, since=since)
    messages.success(request, _("%(count)s envoi(s) remis en file d’attente.") % {"count": count})
    return redirect("syndication:partner", pk=pk)


@require_safe
def offer_channels(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_author(request.user, pk)
    return render(
        request,
        "syndication/offer_channels.html",
        {"offer": offer, "channels": selectors.offer_channels(offer)},
    )
