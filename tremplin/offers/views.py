from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tremplin.offers.permissions import get_offer_for_reader


@login_not_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_reader(request.user, pk)
    return render(request, "offers/detail.html", {"offer": offer})
