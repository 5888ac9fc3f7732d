"""Private documents at their edges: what passes for a PDF, the 5 MB limit to the byte, the
names kept, the log of each opening, the profile CV replaced or deleted."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationFactory, pdf_bytes, pdf_upload
from tremplin.applications import documents
from tremplin.applications.documents import MAX_DOCUMENT_BYTES, pdf_check
from tremplin.applications.models import Document, DocumentAccess, DocumentKind

TOO_BIG = "Le fichier dépasse 5 Mo : réduisez-le avant de l’envoyer."


def pdf_of_size(size: int) -> bytes:
    """A well-formed PDF padded with a comment to exactly `size` bytes."""
    body = pdf_bytes()
    head, tail = body.split(b"\n", 1)
    padding = size - len(body) - 2
    return head + b"\n%" + b"x" * padding + b"\n" + tail


def refusal(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as error:
        pdf_check(data)
    return error.value.messages


def test_a_pdf_of_exactly_5_mb_passes_one_byte_more_does_not():
    assert len(pdf_of_size(MAX_DOCUMENT_BYTES)) == MAX_DOCUMENT_BYTES == 5 * 1024 * 1024
    pdf_check(pdf_of_size(MAX_DOCUMENT_BYTES))
    assert refusal(pdf_of_size(MAX_DOCUMENT_BYTES + 1)) == [TOO_BIG]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"MZ\x90\x00" + b"\x00" * 50, "Ce fichier est un programme ou une archive, pas un PDF : il est refusé."),
        (b"\x7fELF" + b"\x00" * 50, "Ce fichier est un programme ou une archive, pas un PDF : il est refusé."),
        (b"#!/bin/sh\n%PDF-1.4", "Ce fichier est un programme ou une archive, pas un PDF : il est refusé."),
        (b"PK\x03\x04%PDF-1.4", "Ce fichier est un programme ou une archive, pas un PDF : il est refusé."),
        (b"GIF89a %%EOF", "Ce fichier n’est pas un PDF (son contenu ne l’est pas, quel que soit son nom)."),
        (b"%pdf-1.4 %%EOF", "Ce fichier n’est pas un PDF (son contenu ne l’est pas, quel que soit son nom)."),
        (b"%PDF-3.0 %%EOF", "Ce fichier n’est pas un PDF (son contenu ne l’est pas, quel que soit son nom)."),
        (b"%PDF-1.7\nno end", "Ce PDF est incomplet ou endommagé : enregistrez-le à nouveau."),
    ],
)  # fmt: skip
def test_what_is_not_a_whole_pdf_is_refused_with_its_reason(data, message):
    assert refusal(data) == [message]


@pytest.mark.parametrize("version", [b"%PDF-1.", b"%PDF-2."])
def test_pdf_1_and_pdf_2_pass(version):
    pdf_check(version + b"7\n%%EOF\n")


def test_the_end_marker_must_lie_within_the_last_2048_bytes():
    marker = b"%%EOF"
    inside = b"%PDF-1.4\n" + marker + b" " * (2048 - len(marker))
    assert inside[-2048:].startswith(marker)
    pdf_check(inside)
    outside = inside + b" "
    assert refusal(outside) == ["Ce PDF est incomplet ou endommagé : enregistrez-le à nouveau."]


@pytest.mark.django_db
def test_an_upload_of_exactly_5_mb_is_stored_whole():
    owner = UserFactory()
    data = pdf_of_size(MAX_DOCUMENT_BYTES)

    document = documents.document_store(
        owner=owner,
        upload=SimpleUploadedFile("cv.pdf", data),
        kind=DocumentKind.PROFILE_CV,
    )

    assert document.size == MAX_DOCUMENT_BYTES
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    with document.file.open("rb") as stored:
        assert stored.read() == data


@pytest.mark.django_db
def test_an_upload_announced_bigger_is_refused_before_it_is_read():
    upload = SimpleUploadedFile("cv.pdf", pdf_bytes())
    upload.size = MAX_DOCUMENT_BYTES + 1

    with pytest.raises(ValidationError) as error:
        documents.document_store(owner=UserFactory(), upload=upload, kind=DocumentKind.ATTACHMENT)

    assert error.value.messages == [TOO_BIG]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_an_upload_of_unknown_size_is_read_and_measured():
    small = SimpleUploadedFile("cv.pdf", pdf_bytes())
    small.size = None
    stored = documents.document_store(owner=UserFactory(), upload=small, kind="attachment")
    assert stored.size == len(pdf_bytes())

    big = SimpleUploadedFile("cv.pdf", pdf_of_size(MAX_DOCUMENT_BYTES + 10))
    big.size = None
    with pytest.raises(ValidationError) as error:
        documents.document_store(owner=UserFactory(), upload=big, kind="attachment")
    assert error.value.messages == [TOO_BIG]


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("cv.pdf", "cv.pdf"),
        ("CV Léa.PDF", "CV Léa.PDF"),
        ("C:\\Users\\lea\\Documents\\cv.pdf", "cv.pdf"),
        ("../../etc/cv.pdf", "cv.pdf"),
        ("dossier/sous-dossier/cv.pdf", "cv.pdf"),
        ("  cv.pdf  ", "cv.pdf"),
        ("cv", "cv.pdf"),
        ("cv.doc", "cv.doc.pdf"),
        ("c\x00v\x1b.pdf", "cv.pdf"),
        ("", "document.pdf"),
        (None, "document.pdf"),
        ("   ", "document.pdf"),
        ("\x00\x01", "document.pdf"),
        ("dossier/", "document.pdf"),
        ("a" * 146 + ".pdf", "a" * 146 + ".pdf"),
        ("a" * 147 + ".pdf", "a" * 147 + ".pd.pdf"),
        ("b" * 300, "b" * 150 + ".pdf"),
    ],
)
def test_the_name_shown_is_the_last_part_printable_and_ending_in_pdf(name, kept):
    assert documents._clean_name(name) == kept


@pytest.mark.django_db
def test_an_upload_without_a_name_is_called_document():
    upload = SimpleUploadedFile("cv.pdf", pdf_bytes())
    upload.name = None

    document = documents.document_store(owner=UserFactory(), upload=upload, kind="attachment")

    assert document.original_name == "document.pdf"
    assert document.file.name.endswith(".pdf")
    assert document.file.name.rsplit("/", 1)[-1] != "document.pdf"  # the name on disk is random


@pytest.mark.django_db
def test_a_copy_keeps_the_name_the_bytes_and_the_owner():
    owner = UserFactory()
    original = documents.document_store(
        owner=owner, upload=pdf_upload("Mon CV.pdf"), kind=DocumentKind.PROFILE_CV
    )

    copy = documents.document_copy(document=original, kind=DocumentKind.APPLICATION_CV)

    assert copy.pk != original.pk
    assert (copy.owner, copy.kind, copy.original_name) == (owner, "application_cv", "Mon CV.pdf")
    assert (copy.size, copy.sha256) == (original.size, original.sha256)
    assert copy.file.name != original.file.name


@pytest.mark.django_db
def test_each_opening_is_logged_with_who_what_and_where():
    application = ApplicationFactory()
    reader = UserFactory(email="lecteur@example.org")
    document = documents.document_store(
        owner=application.candidate, upload=pdf_upload("CV.pdf"), kind="application_cv"
    )

    data = documents.document_open(document=document, application=application, by=reader)

    assert data == pdf_bytes()
    access = DocumentAccess.objects.get()
    assert access.document == document
    assert access.document_name == "CV.pdf"
    assert access.application == application
    assert access.user == reader
    assert access.user_email == "lecteur@example.org"
    assert access.accessed_at is not None


@pytest.mark.django_db
def test_the_profile_cv_is_the_latest_of_ones_own_profile_cvs():
    user, other = UserFactory(), UserFactory()
    assert documents.profile_cv_of(user) is None
    older = documents.document_store(owner=user, upload=pdf_upload("ancien.pdf"), kind="profile_cv")
    newer = documents.document_store(
        owner=user, upload=pdf_upload("nouveau.pdf"), kind="profile_cv"
    )
    documents.document_store(owner=user, upload=pdf_upload("joint.pdf"), kind="application_cv")
    documents.document_store(owner=other, upload=pdf_upload("autre.pdf"), kind="profile_cv")

    assert documents.profile_cv_of(user) == newer
    # The date decides, then the order of creation when two share the same instant.
    Document.objects.filter(pk=newer.pk).update(created_at=older.created_at - timedelta(days=1))
    assert documents.profile_cv_of(user) == older
    Document.objects.filter(pk=newer.pk).update(created_at=older.created_at)
    assert documents.profile_cv_of(user) == newer


@pytest.mark.django_db
def test_an_anonymous_visitor_has_no_profile_cv():
    from django.contrib.auth.models import AnonymousUser

    assert documents.profile_cv_of(AnonymousUser()) is None


@pytest.mark.django_db(transaction=True)
def test_replacing_the_profile_cv_erases_the_previous_one_and_nobody_elses():
    user, other = UserFactory(), UserFactory()
    first = documents.document_store(owner=user, upload=pdf_upload("1.pdf"), kind="profile_cv")
    sent = documents.document_store(owner=user, upload=pdf_upload("2.pdf"), kind="application_cv")
    theirs = documents.document_store(owner=other, upload=pdf_upload("3.pdf"), kind="profile_cv")
    first_path = first.file.path

    with transaction.atomic():
        new = documents.profile_cv_replace(user=user, upload=pdf_upload("4.pdf"))

    assert set(Document.objects.values_list("pk", flat=True)) == {new.pk, sent.pk, theirs.pk}
    assert documents.profile_cv_of(user) == new
    assert not first.file.storage.exists(first_path)
    assert theirs.file.storage.exists(theirs.file.name)


@pytest.mark.django_db(transaction=True)
def test_deleting_the_profile_cv_erases_only_ones_own_profile_cvs():
    user, other = UserFactory(), UserFactory()
    mine = [
        documents.document_store(owner=user, upload=pdf_upload(f"{n}.pdf"), kind="profile_cv")
        for n in range(2)
    ]
    sent = documents.document_store(owner=user, upload=pdf_upload("2.pdf"), kind="application_cv")
    theirs = documents.document_store(owner=other, upload=pdf_upload("3.pdf"), kind="profile_cv")
    paths = [d.file.name for d in mine]

    documents.profile_cv_delete(user=user)

    assert set(Document.objects.values_list("pk", flat=True)) == {sent.pk, theirs.pk}
    assert not any(mine[0].file.storage.exists(path) for path in paths)
    assert sent.file.storage.exists(sent.file.name)


@pytest.mark.django_db
def test_a_rolled_back_erasure_keeps_the_file():
    user = UserFactory()
    document = documents.document_store(owner=user, upload=pdf_upload(), kind="profile_cv")
    pk, name, storage = document.pk, document.file.name, document.file.storage

    with pytest.raises(RuntimeError), transaction.atomic():
        documents.document_erase(document)
        raise RuntimeError

    assert storage.exists(name)
    assert Document.objects.filter(pk=pk).exists()
