"""Private PDF documents: checked by their content, stored under a random name, opened with a
log line."""

import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.applications.models import Application, Document, DocumentAccess

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Signatures of executables and archives that must never pass for a document, whatever the name.
_FORBIDDEN_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"#!",
    b"PK\x03\x04",
)


def pdf_check(data: bytes) -> None:
    """Refuse anything that is not a PDF by its bytes (a renamed .exe has a .pdf name, not a PDF
    body): the header `%PDF-1.x`/`%PDF-2.x` first, an end-of-file marker near the end."""
    if not data:
        raise ValidationError(_("Le fichier est vide."))
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("Le fichier dépasse 5 Mo : réduisez-le avant de l’envoyer."))
    if data.startswith(_FORBIDDEN_MAGIC):
        raise ValidationError(
            _("Ce fichier est un programme ou une archive, pas un PDF : il est refusé.")
        )
    if not (data.startswith(b"%PDF-1.") or data.startswith(b"%PDF-2.")):
        raise ValidationError(
            _("Ce fichier n’est pas un PDF (son contenu ne l’est pas, quel que soit son nom).")
        )
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("Ce PDF est incomplet ou endommagé : enregistrez-le à nouveau."))


def _read_upload(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("Le fichier dépasse 5 Mo : réduisez-le avant de l’envoyer."))
    upload.seek(0)
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    return data


def _clean_name(name: str) -> str:
    name = (name or "document.pdf").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:150] or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name


def document_store(*, owner: User, upload: UploadedFile, kind: str) -> Document:
    data = _read_upload(upload)
    pdf_check(data)
    return document_store_bytes(owner=owner, data=data, name=upload.name or "", kind=kind)


def document_store_bytes(*, owner: User, data: bytes, name: str, kind: str) -> Document:
    pdf_check(data)
    document = Document(
        owner=owner,
        kind=kind,
        original_name=_clean_name(name),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    # A random name on disk: the user's file name is only shown, never used as a path.
    document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    document.save()
    return document


def document_copy(*, document: Document, kind: str) -> Document:
    """A separate copy (a CV sent with an application stays as sent if the profile's changes)."""
    with document.file.open("rb") as source:
        data = source.read()
    return document_store_bytes(
        owner=document.owner, data=data, name=document.original_name, kind=kind
    )


def document_erase(document: Document) -> None:
    """Remove the row now and the file from storage once the transaction commits (a rollback
    must not leave a row pointing at nothing)."""
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def document_open(*, document: Document, application: Application | None, by: User) -> bytes:
    """The document's bytes, after writing down who opened it and when."""
    DocumentAccess.objects.create(
        document=document,
        document_name=document.original_name,
        application=application,
        user=by,
        user_email=by.email,
    )
    with document.file.open("rb") as source:
        return source.read()


def profile_cv_of(user: User) -> Document | None:
    if not user.is_authenticated:
        return None
    return (
        Document.objects.filter(owner=user, kind="profile_cv")
        .order_by("-created_at", "-pk")
        .first()
    )


def profile_cv_replace(*, user: User, upload: UploadedFile) -> Document:
    previous = list(Document.objects.filter(owner=user, kind="profile_cv"))
    document = document_store(owner=user, upload=upload, kind="profile_cv")
    for old in previous:
        document_erase(old)
    return document


def profile_cv_delete(*, user: User) -> None:
    for old in Document.objects.filter(owner=user, kind="profile_cv"):
        document_erase(old)
