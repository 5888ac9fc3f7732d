"""API tokens: an organisation admin creates them (shown once) and revokes them; the API
authenticates them and limits how often each may be used."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.accounts.models import User
from tremplin.core.counters import counter_hit
from tremplin.organisations.models import Organisation
from tremplin.syndication.models import ApiToken

TOKEN_PREFIX = "trp_"
# Requests one token may make per minute, counted for every process and node together
# (core/counters.py: Redis when REDIS_URL is set, else the database).
RATE_PER_MINUTE = 120
MAX_TOKENS_PER_ORGANISATION = 20
# last_used_at is written at most this often (not one write per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, organisation: Organisation, name: str, by: User) -> tuple[ApiToken, str]:
    """A new token and its secret value, which is not kept and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Donnez un nom au jeton (par exemple le logiciel qui l’utilise)."))
    active = organisation.api_tokens.filter(revoked_at__isnull=True).count()
    if active >= MAX_TOKENS_PER_ORGANISATION:
        raise ValidationError(
            _("%(count)s jetons actifs au plus : révoquez-en un d’abord.")
            % {"count": MAX_TOKENS_PER_ORGANISATION}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(raw),
        created_by=by,
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_authenticate(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token with this value, or None (unknown or revoked)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_throttle(token: ApiToken, *, now: datetime | None = None) -> int:
    """Count a request of `token` in the current minute; the seconds to wait when over the
    limit, else 0."""
    now = now or timezone.now()
    minute = int(now.timestamp() // 60)
    count = counter_hit(key=f"api-token-rate:{token.pk}:{minute}", window_seconds=60, now=now)
    if count > RATE_PER_MINUTE:
        return 60 - int(now.timestamp()) % 60
    return 0
