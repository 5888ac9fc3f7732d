"""A person's data across every app: the export archive and the deletion of an account.

Each app gives its own part (accounts, applications, hosting, identity, juniors, missions,
organisations); this module is
the only one that knows them all."""

import io
import json
import zipfile

from django.db import transaction
from django.utils import timezone

from tremplin.accounts.models import User
from tremplin.accounts.services import account_export_data, user_erase
from tremplin.applications.privacy import candidate_anonymise, candidate_export_data
from tremplin.hosting.privacy import bookings_export_data, stays_export_data
from tremplin.identity.privacy import provider_accounts_export_data
from tremplin.juniors.privacy import interests_export_data
from tremplin.missions.privacy import mission_bookings_export_data
from tremplin.organisations.models import Organisation
from tremplin.organisations.services import organisations_blocking_deletion, user_orphans


class AccountDeletionRefused(Exception):
    def __init__(self, organisations: list[Organisation]) -> None:
        self.organisations = organisations
        super().__init__(organisations)


def account_export(*, user: User) -> bytes:
    """One ZIP archive: `donnees.json` (account, profile, applications with their conversation,
    favourites, stays, other housing bookings, terrain interests, mission days, identities
    linked at Pro Santé Connect or ProConnect, documents' list) and every document file under `documents/`."""
    candidate, files = candidate_export_data(user=user)
    data = {
        "exported_at": timezone.now().isoformat(),
        **account_export_data(user=user),
        "applications": candidate["applications"],
        "saved_offers": candidate["saved_offers"],
        "stays": stays_export_data(user=user),
        "housing_bookings": bookings_export_data(user=user),
        "terrain_interests": interests_export_data(user=user),
        "mission_bookings": mission_bookings_export_data(user=user),
        "identity": provider_accounts_export_data(user=user),
        "documents": candidate["documents"],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for path, document in files.items():
            with document.file.open("rb") as source:
                archive.writestr(path, source.read())
    return buffer.getvalue()


def account_delete(*, user: User) -> None:
    """Erase a person and what is only theirs.

    An organisation they alone administer while others remain would be left without an admin:
    the deletion is refused until they hand it over. An organisation where they are the only
    member goes with them.
    """
    with transaction.atomic():
        blocking = organisations_blocking_deletion(user=user)
        if blocking:
            raise AccountDeletionRefused(blocking)
        for organisation in user_orphans(user=user):
            organisation.delete()
        # Applications stay, anonymised, for the organisations' statistics; files are erased.
        candidate_anonymise(user=user)
        user_erase(user=user)
