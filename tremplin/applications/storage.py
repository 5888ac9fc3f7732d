"""Private files (CVs, attachments): kept outside the public media space, never given a URL.

They are read only through `views.document_download`, which checks who asks and logs it.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """`settings.PRIVATE_MEDIA_ROOT`, read at each use so that tests can point it elsewhere."""

    @property
    def base_location(self) -> str:
        # _location is what FileSystemStorage.__init__ was given; the stubs omit private state.
        return str(self._location or settings.PRIVATE_MEDIA_ROOT)  # type: ignore[attr-defined]

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: serve them through a permission check.")


_PRIVATE = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so migrations name it rather than copy it)."""
    return _PRIVATE
