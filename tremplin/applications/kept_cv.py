"""A CV chosen on the application form survives the form's other errors.

When the form comes back with an error, the PDF the candidate chose (once checked to be a PDF)
is kept in private storage, bound to their session and to the offer; the form then says « CV
choisi : nom.pdf (conservé) » and sends it with the application, unless they choose another
one or remove it. Nothing of it is public; it is erased once used or replaced."""

import uuid
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from tremplin.applications.documents import _clean_name, _read_upload, pdf_check
from tremplin.applications.storage import private_storage

SESSION_KEY = "applications.kept_cv"


@dataclass(frozen=True)
class KeptCv:
    name: str
    path: str
    offer_pk: int


def kept_cv_of(*, session: SessionBase, offer_pk: int) -> KeptCv | None:
    data = session.get(SESSION_KEY)
    if not data or data.get("offer_pk") != offer_pk:
        return None
    kept = KeptCv(name=data["name"], path=data["path"], offer_pk=offer_pk)
    return kept if private_storage().exists(kept.path) else None


def kept_cv_store(*, session: SessionBase, offer_pk: int, upload: UploadedFile) -> KeptCv | None:
    """Keep this upload if it is a PDF (None otherwise: the form's error says why)."""
    try:
        data = _read_upload(upload)
        pdf_check(data)
    except ValidationError:
        return None
    kept_cv_drop(session=session)
    path = private_storage().save(f"kept-cv/{uuid.uuid4().hex}.pdf", ContentFile(data))
    name = _clean_name(upload.name or "")
    session[SESSION_KEY] = {"name": name, "path": path, "offer_pk": offer_pk}
    return KeptCv(name=name, path=path, offer_pk=offer_pk)


def kept_cv_upload(kept: KeptCv) -> UploadedFile:
    """The kept CV as an upload, for the service that stores application documents."""
    with private_storage().open(kept.path, "rb") as file:
        return SimpleUploadedFile(kept.name, file.read(), content_type="application/pdf")


def kept_cv_drop(*, session: SessionBase) -> None:
    data = session.pop(SESSION_KEY, None)
    if data and private_storage().exists(data["path"]):
        private_storage().delete(data["path"])
