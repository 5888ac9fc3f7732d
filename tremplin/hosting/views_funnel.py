"""The funnel page of an organisation and its CSV exports (hosting/funnel.py computes it)."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from tremplin.accounts.http import AuthenticatedHttpRequest
from tremplin.applications.viewcounts import offer_views_flush
from tremplin.hosting.funnel import funnel_charts, funnel_table, organisation_funnel
from tremplin.hosting.permissions import get_organisation_for_member

# Excel opens a UTF-8 file as such only when it starts with a byte order mark.
BOM = "\ufeff"


@require_safe
def funnel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_member(request.user, pk)
    # This process's buffered views first, so a member opening the page sees the latest ones.
    offer_views_flush()
    result = organisation_funnel(organisation=organisation)
    return render(
        request,
        "hosting/funnel.html",
        {"organisation": organisation, "funnel": result, "charts": funnel_charts(result)},
    )


@require_safe
def funnel_csv(request: AuthenticatedHttpRequest, pk: int, table: str) -> HttpResponse:
    organisation = get_organisation_for_member(request.user, pk)
    try:
        headers, rows = funnel_table(organisation_funnel(organisation=organisation), table)
    except KeyError:
        raise Http404 from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"tremplin-{slugify(organisation.name)}-{table}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return response
