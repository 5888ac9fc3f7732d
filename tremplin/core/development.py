"""What only the development server serves (DEBUG): public uploads and the email outbox.

`config/urls.py` routes these only when DEBUG is on, and each view answers 404 when it is off,
so that neither can leak in production. In production a reverse proxy or the S3 bucket serves
the uploads (docs/deployment.md); private files (CVs) are never served from here: they live
outside MEDIA_ROOT and only `applications.views.document_download` reads them.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

from tremplin.core.outbox import outbox_get, outbox_list


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


@login_not_required
@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    _require_debug()
    root = Path(settings.MEDIA_ROOT).resolve()
    wanted = (root / path).resolve()
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    # `serve` already refuses "..": this also holds if a link points into the private files.
    if not wanted.is_relative_to(root) or wanted.is_relative_to(private):
        raise Http404
    return serve(request, path, document_root=str(root))


@login_not_required
@require_safe
def outbox(request: HttpRequest) -> HttpResponse:
    _require_debug()
    return render(request, "core/development/outbox.html", {"emails": outbox_list()})


@login_not_required
@require_safe
def outbox_email(request: HttpRequest, name: str) -> HttpResponse:
    _require_debug()
    sent = outbox_get(name)
    if sent is None:
        raise Http404
    return render(request, "core/development/outbox_email.html", {"email": sent})


def development_urlpatterns() -> list[URLPattern]:
    patterns = [
        path("dev/courriels/", outbox, name="outbox"),
        path("dev/courriels/<str:name>/", outbox_email, name="outbox_email"),
    ]
    if (
        settings.MEDIA_URL.startswith("/")
        and "storages" not in settings.STORAGES["default"]["BACKEND"]
    ):
        patterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", media))
    return patterns
