"""Dates in the API's parameters, read strictly: an ISO 8601 text or a refusal in French.

Pydantic's lax mode reads « 2026 » as a Unix timestamp (1970-01-01T00:33:46Z) and answers in
English; these types accept only what the API documents and say why in French. The API's
ValidationError handler (tremplin/api/api.py) puts these reasons in the 422's `detail`."""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

# The error types whose message is a French reason meant for the API's client.
FRENCH_ERROR_TYPES = frozenset({"date_invalide", "date_heure_invalide"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# « +01:00 » sent unencoded in a URL arrives as « 01:00 » after a space.
_UNENCODED_PLUS = re.compile(r"T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? \d{2}:?\d{2}$")


def _refuse(kind: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "{reason}", {"reason": reason})


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def iso_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise _refuse(
        "date_invalide",
        _("« %(value)s » n’est pas une date au format AAAA-MM-JJ (par exemple 2026-12-02).")
        % {"value": _shown(value)},
    )


def iso_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _DATETIME.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            try:
                # Naive: UTC, as the API documents. Aware: it must have a UTC equivalent.
                (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
            except (ValueError, OverflowError):
                raise _refuse(
                    "date_heure_invalide",
                    _("« %(value)s » est hors des dates possibles, fuseau horaire compris.")
                    % {"value": _shown(value)},
                ) from None
            return moment
    hint = ""
    if text is not None and _UNENCODED_PLUS.search(text):
        hint = " " + _(
            "Dans une URL, encodez le « + » du fuseau horaire : sinon il devient une espace."
        )
    raise _refuse(
        "date_heure_invalide",
        _(
            "« %(value)s » n’est pas une date ou une date et heure ISO 8601 (par exemple "
            "2026-12-02 ou 2026-12-02T09:30:00+01:00)."
        )
        % {"value": _shown(value)}
        + hint,
    )


IsoDate = Annotated[
    date,
    BeforeValidator(iso_date),
    WithJsonSchema({"type": "string", "format": "date", "example": "2026-12-02"}),
]
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(iso_datetime),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "example": "2026-12-02T09:30:00+01:00"}
    ),
]


def api_example(
    example: dict, *, status: int = 200, body: dict | None = None, extra: dict | None = None
) -> dict:
    """The `openapi_extra` of an operation: an example of its answer (and of its body)."""
    openapi: dict = {
        **(extra or {}),
        "responses": {status: {"content": {"application/json": {"example": example}}}},
    }
    if body is not None:
        openapi["requestBody"] = {"content": {"application/json": {"example": body}}}
    return openapi
