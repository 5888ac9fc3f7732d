"""Uploaded photos display under `make run`; private files never have a public address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.env import media_storage_from_env
from tests.offers.factories import OfferFactory
from tests.offers.test_photos import jpeg_with_gps
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.offers.models import OfferPhoto

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def development(settings):
    import config.urls  # noqa: F401  # imported with DEBUG off, as the tests run the site

    settings.DEBUG = True
    settings.ROOT_URLCONF = "tests.core.urls_development"


def test_an_uploaded_photo_is_served_with_its_bytes_under_debug(client, development):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
    offer = OfferFactory(organisation=membership.organisation)
    client.force_login(membership.user)
    client.post(
        reverse("offers:photo_add", args=[offer.pk]),
        {"image": SimpleUploadedFile("p.jpg", jpeg_with_gps((80, 60)), content_type="image/jpeg")},
    )
    photo = OfferPhoto.objects.get()
    client.logout()  # a public photo: anyone may see it

    response = client.get(photo.image.url)

    assert photo.image.url.startswith("/media/offers/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(photo.image.path).read_bytes()
    response.close()


def test_a_private_file_has_no_address_under_media(client, development, settings):
    cv = Path(settings.PRIVATE_MEDIA_ROOT) / "documents" / "cv.pdf"
    cv.parent.mkdir(parents=True)
    cv.write_bytes(b"%PDF-1.4 secret")
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)

    assert client.get("/media/documents/cv.pdf").status_code == 404
    assert client.get("/media/../private/documents/cv.pdf").status_code == 404
    assert client.get("/media/%2e%2e/private/documents/cv.pdf").status_code == 404


def test_private_files_inside_media_root_are_still_refused(client, development, settings):
    settings.PRIVATE_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "private"
    cv = settings.PRIVATE_MEDIA_ROOT / "cv.pdf"
    cv.parent.mkdir(parents=True)
    cv.write_bytes(b"%PDF-1.4 secret")
    (Path(settings.MEDIA_ROOT) / "public.txt").write_bytes(b"public")

    public = client.get("/media/public.txt")
    assert public.status_code == 200
    assert b"".join(public.streaming_content) == b"public"
    public.close()
    assert client.get("/media/private/cv.pdf").status_code == 404


def test_media_are_not_served_by_django_when_debug_is_off(client, settings):
    photo = Path(settings.MEDIA_ROOT) / "offers" / "p.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"jpeg")

    assert client.get("/media/offers/p.jpg").status_code == 404
    settings.ROOT_URLCONF = "tests.core.urls_development"  # even if it were routed
    assert client.get("/media/offers/p.jpg").status_code == 404


def test_media_storage_is_the_local_folder_by_default(monkeypatch):
    monkeypatch.delenv("MEDIA_STORAGE", raising=False)
    assert media_storage_from_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_media_storage_s3_picks_the_bucket_from_the_environment(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("S3_BUCKET_NAME", "tremplin-media")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.fr-par.scw.cloud")
    monkeypatch.setenv("S3_REGION_NAME", "fr-par")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", "secret")

    storage = media_storage_from_env()

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "tremplin-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    from storages.backends.s3 import S3Storage

    # Built locally, no request sent (the tests have no network): a plain, unsigned URL.
    url = S3Storage(**storage["OPTIONS"]).url("offers/2026/12/p.jpg")
    assert url.startswith("https://")
    assert "tremplin-media" in url and url.split("?")[0].endswith("offers/2026/12/p.jpg")
    assert "Signature" not in url


def test_media_storage_s3_without_a_bucket_or_an_unknown_kind_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.delenv("S3_BUCKET_NAME", raising=False)
    with pytest.raises(ImproperlyConfigured, match="S3_BUCKET_NAME"):
        media_storage_from_env()
    monkeypatch.setenv("MEDIA_STORAGE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE"):
        media_storage_from_env()


def _settings_with(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )


def test_the_settings_switch_public_uploads_to_s3_and_keep_private_files_local(tmp_path):
    done = _settings_with(
        {"MEDIA_STORAGE": "s3", "S3_BUCKET_NAME": "tremplin-media"},
        "from django.conf import settings; from django.core.files.storage import storages;"
        "from tremplin.applications.models import Document;"
        "print(settings.STORAGES['default']['BACKEND'], type(storages['default']).__name__,"
        " type(Document._meta.get_field('file').storage).__name__)",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "S3Storage",
        "PrivateStorage",
    ]


def test_the_settings_refuse_private_files_inside_media_root(tmp_path):
    done = _settings_with(
        {"MEDIA_ROOT": str(tmp_path), "PRIVATE_MEDIA_ROOT": str(tmp_path / "private")},
        "from django.conf import settings; settings.DEBUG",
    )
    assert done.returncode != 0
    assert "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT" in done.stderr
