"""Webhook bodies, headers and signatures to the byte and to the second."""

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from tremplin.syndication import webhooks

SECRET = "whsec_test"
BODY = b'{"id":"1"}'
NOW = 1_700_000_000  # far from the clock of the machine: `now` is what counts


def header(timestamp: int = NOW, secret: str = SECRET, body: bytes = BODY) -> str:
    return webhooks.signature(secret=secret, body=body, timestamp=timestamp)


def verify(value: str, now: float = NOW, **kwargs: object) -> bool:
    return webhooks.signature_verify(secret=SECRET, body=BODY, header=value, now=now, **kwargs)


def test_the_signature_is_an_hmac_of_the_timestamp_and_the_body():
    digest = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header() == f"t={NOW},v1={digest}"


def test_a_signature_is_accepted_for_5_minutes_either_way_and_not_a_second_more():
    assert verify(header(), now=NOW)
    assert verify(header(), now=NOW + 300)
    assert verify(header(), now=NOW - 300)
    assert not verify(header(), now=NOW + 301)
    assert not verify(header(), now=NOW - 301)
    assert verify(header(), now=NOW + 10, tolerance=10)
    assert not verify(header(), now=NOW + 11, tolerance=10)


def test_without_now_the_clock_decides():
    assert not webhooks.signature_verify(secret=SECRET, body=BODY, header=header())
    assert webhooks.signature_verify(
        secret=SECRET, body=BODY, header=header(int(datetime.now(UTC).timestamp()))
    )


@pytest.mark.parametrize(
    "value",
    [
        "",
        "v1=abc",
        f"t={NOW}",  # no signature at all: refused, not an error
        f"t={NOW},v1=",
        f"t=abc,v1={'0' * 64}",
        f"t={NOW};v1={'0' * 64}",
        "n'importe quoi",
    ],
)
def test_a_malformed_header_is_refused_without_an_error(value):
    assert verify(value) is False


def test_fields_a_partner_does_not_know_are_ignored():
    # Even when their value holds an "=" (a later version may add such fields).
    assert verify(header() + ",v2=abc=def")
    assert verify("x=1=2," + header())


def test_a_signature_made_with_another_secret_or_body_or_time_is_refused():
    assert not verify(header(secret="autre"))
    assert not verify(header(body=BODY + b" "))
    signed = header()
    assert not verify(signed.replace(f"t={NOW}", f"t={NOW + 1}"), now=NOW + 1)


def event(**changes: object) -> SimpleNamespace:
    fields = {
        "key": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "type": "offer.published",
        "sequence": 3,
        "created_at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "payload": {"title": "Remplacement à Guéret", "id": 7},
    }
    return SimpleNamespace(**{**fields, **changes})


def test_the_body_is_compact_utf8_json_with_the_envelope_first():
    assert (
        webhooks.event_body(event())
        == (
            '{"id":"12345678-1234-5678-1234-567812345678","type":"offer.published","sequence":3,'
            '"created_at":"2026-12-01T09:30:00+00:00","offer":{"title":"Remplacement à Guéret","id":7}}'
        ).encode()
    )


def test_the_headers_name_the_event_the_delivery_and_the_attempt():
    delivery = SimpleNamespace(pk=42, attempts=2, event=event())

    headers = webhooks.delivery_headers(delivery=delivery, body=BODY, secret=SECRET, timestamp=NOW)

    assert headers == {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Tremplin-Webhooks/1 (+https://tremplin.example.org/docs/syndication)",
        "X-Tremplin-Event": "offer.published",
        "X-Tremplin-Delivery": "42",
        "X-Tremplin-Attempt": "2",
        "Idempotency-Key": "12345678-1234-5678-1234-567812345678",
        "X-Tremplin-Signature": header(),
    }


@pytest.mark.parametrize(
    ("attempts", "minutes"),
    [(-1, 1), (0, 1), (1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (11, 60), (12, 60), (500, 60)],
)
def test_the_retry_delay_doubles_then_stays_at_an_hour(attempts, minutes):
    assert webhooks.retry_delay(attempts) == timedelta(minutes=minutes)
