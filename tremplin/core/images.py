"""Uploaded photos: checked as images by their content, shrunk, stripped of metadata."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_MAX_SIDE = 1600


def image_clean(upload: UploadedFile) -> bytes:
    """A JPEG re-drawn from the upload: refuses what is not a readable JPEG/PNG/WebP/GIF, drops
    EXIF and GPS metadata, fits the longest side in IMAGE_MAX_SIDE pixels."""
    from PIL import Image, UnidentifiedImageError

    if (upload.size or 0) > MAX_IMAGE_BYTES:
        raise ValidationError(_("Cette image dépasse 10 Mo : réduisez-la avant de l’envoyer."))
    image: Image.Image  # opened as an ImageFile, then redrawn as a plain Image
    try:
        with Image.open(upload) as image:
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
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
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("Ce fichier n’est pas une image lisible.")) from None
    return buffer.getvalue()
