"""A CV chosen on the application form survives the form's other errors.

When the form comes back with an error, the PDF the candidate chose (once checked to be a PDF)
is kept in private storage, bound to their session and to the offer; the form then says « CV
choisi : nom.pdf (conservé) » and sends it with the application, unless they choose another
one or remove it. Nothing of it is public; it is erased once used or replaced, at the
account's deletion (its file name starts with the user's number), and by the daily purge a day
after it was kept (`kept_cvs_purge_old`): a form left unfinished keeps no CV."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone

from tremplin.applications.documents import _clean_name, _read_upload, pdf_check
from tremplin.applications.storage import private_storage

SESSION_KEY = "applications.kept_cv"
FOLDER = "kept-cv"
# A kept CV older than this is erased by the daily purge.
KEEP_FOR = timedelta(days=1)


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


def kept_cv_store(
    *, session: SessionBase, user_pk: int, offer_pk: int, upload: UploadedFile
) -> KeptCv | None:
    """Keep this upload if it is a PDF (None otherwise: the form's error says why)."""
    try:
        data = _read_upload(upload)
        pdf_check(data)
    except ValidationError:
        return None
    kept_cv_drop(session=session)
    path = private_storage().save(f"{FOLDER}/{user_pk}-{uuid.uuid4().hex}.pdf", ContentFile(data))
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


def kept_cvs_erase(*, user_pk: int) -> int:
    """At account deletion: every CV kept for this user, whatever session holds it."""
    return _erase(lambda name: name.startswith(f"{user_pk}-"))


def kept_cvs_purge_old(*, now: datetime | None = None) -> int:
    """The daily purge: kept CVs older than KEEP_FOR (forms left unfinished). Idempotent."""
    limit = (now or timezone.now()) - KEEP_FOR
    storage = private_storage()
    return _erase(lambda name: storage.get_modified_time(f"{FOLDER}/{name}") < limit)


def _erase(chosen: Callable[[str], bool]) -> int:
    storage = private_storage()
    if not storage.exists(FOLDER):
        return 0
    erased = 0
    for name in storage.listdir(FOLDER)[1]:
        if chosen(name):
            storage.delete(f"{FOLDER}/{name}")
            erased += 1
    return erased
