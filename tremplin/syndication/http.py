"""The one door for outgoing HTTP: webhooks to partners leave through `post`.

Standard library only (urllib). Redirections are not followed: a partner gives the final
address. Tests point partners at receivers on 127.0.0.1 or replace `post`.
"""

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10.0
# What is kept of a partner's answer: enough to explain a refusal.
MAX_ANSWER_BYTES = 2000


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all (refused, timed out)
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Answer:
    """POST `body`; never raises for network or HTTP errors, it says what happened."""
    timeout = timeout or TIMEOUT_SECONDS
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Answer(status=response.status, body=_read(response))
    except urllib.error.HTTPError as error:
        with error:
            return Answer(status=error.code, body=_read(error))
    except TimeoutError:
        return Answer(status=None, error=_("délai de réponse dépassé (%(s)s s)") % {"s": timeout})
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return Answer(
                status=None, error=_("délai de réponse dépassé (%(s)s s)") % {"s": timeout}
            )
        return Answer(
            status=None, error=_("connexion impossible : %(reason)s") % {"reason": reason}
        )
    except (OSError, ValueError, http.client.HTTPException) as error:
        return Answer(status=None, error=_("connexion impossible : %(reason)s") % {"reason": error})


def _read(response: IO[bytes]) -> str:
    try:
        return response.read(MAX_ANSWER_BYTES).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
