import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.offers.factories import OfferFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tremplin.offers.models import OfferPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def member_offer():
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True))
    return membership.user, OfferFactory(organisation=membership.organisation)


def jpeg_with_gps(size=(3000, 2000)) -> bytes:
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x010F] = "Appareil espion"  # Make
    exif[0x8825] = {2: (46.0, 10.0, 5.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(client, offer, content, name="photo.jpg", content_type="image/jpeg"):
    return client.post(
        reverse("offers:photo_add", args=[offer.pk]),
        {
            "image": SimpleUploadedFile(name, content, content_type=content_type),
            "alt": "Le cabinet",
        },
        follow=True,
    )


def test_a_photo_is_resized_and_stripped_of_its_metadata(client, member_offer):
    user, offer = member_offer
    client.force_login(user)

    response = upload(client, offer, jpeg_with_gps())

    assert "Photo ajoutée" in response.text
    photo = OfferPhoto.objects.get()
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()


def test_a_renamed_executable_is_refused(client, member_offer):
    user, offer = member_offer
    client.force_login(user)

    response = upload(client, offer, b"MZ\x90\x00" + b"\x00" * 200, name="photo.jpg")

    assert "n’est pas une image lisible" in response.text
    assert not OfferPhoto.objects.exists()


def test_an_image_over_10_mb_is_refused(client, member_offer, monkeypatch):
    from tremplin.core import images

    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 1000)
    user, offer = member_offer
    client.force_login(user)

    response = upload(client, offer, jpeg_with_gps((200, 200)))

    assert "dépasse 10 Mo" in response.text
    assert not OfferPhoto.objects.exists()


def test_another_organisation_cannot_add_photos(client, member_offer):
    _, offer = member_offer
    outsider = MembershipFactory(organisation=OrganisationFactory(verified=True)).user
    client.force_login(outsider)

    response = client.post(
        reverse("offers:photo_add", args=[offer.pk]),
        {"image": SimpleUploadedFile("p.jpg", jpeg_with_gps((50, 50)), content_type="image/jpeg")},
    )

    assert response.status_code == 403
    assert "Accès refusé" in response.text
    assert not OfferPhoto.objects.exists()
