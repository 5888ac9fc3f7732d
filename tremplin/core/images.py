"""Uploaded photos: checked as images by their content, shrunk, stripped of metadata."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_MAX_SIDE = 1600
# A compressed PNG of a few kilobytes can declare 12,000 × 12,000 pixels: decoded, that is
# 432 MB of RGB. The size is read from the header (Image.open decodes nothing) and refused
# before `load()`. 40 Mpx is more than any phone or camera photo.
MAX_IMAGE_PIXELS = 40_000_000


def _pillow_limit() -> None:
    """Pillow's own guard, coherent with ours: it warns above MAX_IMAGE_PIXELS and raises
    DecompressionBombError above twice that — a last line behind the check below."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def image_clean(upload: UploadedFile) -> bytes:
    """A JPEG re-drawn from the upload: refuses what is not a readable JPEG/PNG/WebP/GIF or
    holds more than MAX_IMAGE_PIXELS, drops EXIF and GPS metadata, fits the longest side in
    IMAGE_MAX_SIDE pixels."""
    from PIL import Image, UnidentifiedImageError

    _pillow_limit()
    if (upload.size or 0) > MAX_IMAGE_BYTES:
        raise ValidationError(_("Cette image dépasse 10 Mo : réduisez-la avant de l’envoyer."))
    image: Image.Image  # opened as an ImageFile, then redrawn as a plain Image
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; the check below refuses.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                # Header only so far: refuse before verify() or load() decode anything.
                _pixels_check(image.size)
                image.verify()
            upload.seek(0)
            opened = Image.open(upload)
        with opened as image:
            if image.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise ValidationError(
                    _("Format d’image non accepté : envoyez un JPEG, un PNG ou un WebP.")
                )
            image = image.convert("RGB")
            image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            # A fresh image without the original's metadata.
            clean = Image.new("RGB", image.size)
            clean.paste(image)
            buffer = io.BytesIO()
            clean.save(buffer, format="JPEG", quality=85)
    except Image.DecompressionBombError:
        raise ValidationError(_too_many_pixels()) from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(_("Ce fichier n’est pas une image lisible.")) from None
    return buffer.getvalue()


def _pixels_check(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(_too_many_pixels())


def _too_many_pixels() -> str:
    return _(
        "Cette image compte trop de pixels (plus de 40 millions) : réduisez sa taille avant de "
        "l’envoyer."
    )
