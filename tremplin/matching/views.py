"""/territoires/pour-moi/: the criteria form, the ranked territories, saved searches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.core.http import HtmxHttpRequest
from tremplin.matching import selectors, services
from tremplin.matching.criteria import Importance
from tremplin.matching.forms import MatchingForm, SaveSearchForm
from tremplin.matching.permissions import get_saved_search_for_owner
from tremplin.matching.places import candidate_label

RESULTS_SHOWN = 50
AREA_FIELDS = {"region", "departement", "epci"}


def _initial(request: HttpRequest) -> dict:
    """A professional's profession, to start from."""
    profile = getattr(request.user, "professional_profile", None)
    return {"profession": profile.profession} if profile is not None else {}


@login_not_required
@require_safe
def search(request: HtmxHttpRequest) -> HttpResponse:
    if request.GET and set(request.GET) <= AREA_FIELDS:
        # A territory's page links here with its area only: the form starts from it, and the
        # professional's profession, before anything is ranked.
        form = MatchingForm(initial={**_initial(request), **request.GET.dict()})
    else:
        form = MatchingForm(request.GET or None, initial=_initial(request))
    context: dict = {"form": form, "result": None}
    if form.is_bound and form.is_valid():
        result = selectors.matching_search(
            criteria=form.criteria(), scale=form.scale, limit=RESULTS_SHOWN
        )
        base = reverse("matching:search")
        context.update(
            result=result,
            map=selectors.results_map(result, form.origins),
            query=form.query_string(),
            scale_links={
                "communes": f"{base}?{form.query_string(echelle='communes')}",
                "epci": f"{base}?{form.query_string(echelle='epci')}",
            },
            relaxation_links=[
                (
                    relaxation,
                    f"{base}?{form.query_string(**{relaxation.key: Importance.IMPORTANT})}",
                )
                for relaxation in result.relaxations
                if relaxation.count
            ],
            save_form=SaveSearchForm(initial={"query": form.query_string()}),
        )
    elif form.is_bound:
        base = reverse("matching:search")
        # Each place of "Près de" not matched exactly: its candidates, as links that keep
        # every other input.
        context["place_links"] = [
            (
                choice,
                [
                    (candidate_label(commune), f"{base}?{form.place_choice_query(choice, commune)}")
                    for commune in choice.communes
                ],
            )
            for choice in form.place_choices
        ]
    context["saved_searches"] = selectors.saved_searches_of(request.user)
    # htmx swaps the results only; a history restore (back button, cache miss) needs the page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request, "matching/_results.html" if partial else "matching/search.html", context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def save(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    criteria = MatchingForm(QueryDict(request.POST.get("query", "")))
    if not form.is_valid() or not criteria.is_valid():
        messages.error(request, _("Ces critères ne peuvent pas être enregistrés : vérifiez-les."))
        return redirect("matching:search")
    query = criteria.query_string()
    try:
        services.saved_search_create(user=request.user, name=form.cleaned_data["name"], query=query)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Vos critères sont enregistrés."))
    return redirect(f"{reverse('matching:search')}?{query}")


@require_POST
def delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saved = get_saved_search_for_owner(request.user, pk)
    services.saved_search_delete(saved_search=saved, by=request.user)
    messages.success(request, _("La recherche « %(name)s » est supprimée.") % {"name": saved.name})
    return redirect("matching:search")
