import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.offers.factories import OfferFactory
from tremplin.applications.models import Application, ApplicationStatus, Message, Side


def pdf_bytes(text: str = "CV de test") -> bytes:
    """A small but well-formed PDF (header, one page, cross-reference table, end marker)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_upload(name: str = "cv.pdf", text: str = "CV de test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def exe_upload(name: str = "cv.pdf") -> SimpleUploadedFile:
    """A Windows executable renamed to .pdf, announced as a PDF by the browser."""
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf"
    )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A professional's application to a published offer; `seen=True`, `accepted=True` move it."""

    class Meta:
        model = Application

    offer = factory.SubFactory(OfferFactory, published=True)
    candidate = factory.SubFactory(UserFactory, professional=True)
    message = "Bonjour, je suis disponible cet été et la région me plaît beaucoup."
    created_at = factory.LazyFunction(timezone.now)
    candidate_activity_at = factory.SelfAttribute("created_at")

    class Params:
        seen = factory.Trait(status=ApplicationStatus.SEEN)
        accepted = factory.Trait(status=ApplicationStatus.ACCEPTED)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    application = factory.SubFactory(ApplicationFactory)
    side = Side.CANDIDATE
    author = factory.SelfAttribute("application.candidate")
    body = "Un message."
