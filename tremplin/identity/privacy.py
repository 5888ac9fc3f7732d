"""Personal data held by identity: the provider identities tied to an account and the requests
to join a collectivité their ProConnect SIRET made, for the export archive (they go with the
account: `ProviderAccount.user` and `MembershipRequest.user` cascade)."""

from tremplin.accounts.models import User
from tremplin.identity.models import ProviderAccount
from tremplin.organisations.models import MembershipRequest


def provider_accounts_export_data(*, user: User) -> dict:
    return {
        "providers": _providers(user),
        "membership_requests": [
            {
                "organisation": request.organisation.name,
                "siret": request.siret,
                "status": request.status,
                "requested_at": request.created_at.isoformat(),
                "decided_at": request.decided_at.isoformat() if request.decided_at else None,
            }
            for request in MembershipRequest.objects.filter(user=user).select_related(
                "organisation"
            )
        ],
    }


def _providers(user: User) -> list[dict]:
    return [
        {
            "provider": account.provider,
            "provider_label": str(account.get_provider_display()),
            "subject": account.subject,
            "linked_at": account.created_at.isoformat(),
            "last_login_at": account.last_login_at.isoformat(),
        }
        for account in ProviderAccount.objects.filter(user=user)
    ]
