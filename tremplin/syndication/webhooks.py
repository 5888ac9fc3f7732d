"""Webhooks sent to partners: the body, its headers, its signature, the retry schedule.

Signature (documented for partners in docs/syndication.md):
    X-Tremplin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>
The timestamp is signed with the body, so a captured request cannot be replayed later than
the tolerance a partner accepts (5 minutes in `signature_verify`).
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta

from tremplin.syndication.models import Delivery, DeliveryEvent

SIGNATURE_HEADER = "X-Tremplin-Signature"
USER_AGENT = "Tremplin-Webhooks/1 (+https://tremplin.example.org/docs/syndication)"
TOLERANCE_SECONDS = 300
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def event_body(event: DeliveryEvent) -> bytes:
    """The JSON body of an event: the same bytes for every partner and every retry."""
    envelope = {
        "id": str(event.key),
        "type": event.type,
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "offer": event.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def signature(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_verify(
    *,
    secret: str,
    body: bytes,
    header: str,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a partner runs on reception (the same code is given in docs/syndication.md)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts.get("v1", ""))


def delivery_headers(*, delivery: Delivery, body: bytes, secret: str, timestamp: int) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Tremplin-Event": delivery.event.type,
        "X-Tremplin-Delivery": str(delivery.pk),
        "X-Tremplin-Attempt": str(delivery.attempts),
        "Idempotency-Key": str(delivery.event.key),
        SIGNATURE_HEADER: signature(secret=secret, body=body, timestamp=timestamp),
    }


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1 minute, 2, 4, 8, 16, 32, then every hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 10), LONGEST_RETRY)
