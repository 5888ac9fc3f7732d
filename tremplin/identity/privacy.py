"""Personal data held by identity: the provider identities tied to an account, for the export
archive (they go with the account: `ProviderAccount.user` cascades)."""

from tremplin.accounts.models import User
from tremplin.identity.models import ProviderAccount


def provider_accounts_export_data(*, user: User) -> list[dict]:
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
