"""The one door for outgoing HTTP: webhooks to partners leave through `post`.

Standard library only (http.client). Redirections are not followed: a partner gives the final
address. A partner's address must lead to the public Internet: a webhook must not become a way
to reach the server's own services (loopback, the private network, the cloud metadata address
169.254.169.254). The name is resolved at send time, every address it gives is checked, and the
connection goes to the address checked — not to a second resolution that could answer
otherwise (DNS rebinding). PARTNER_ALLOW_PRIVATE_HOSTS lifts the check (tests, whose receivers
listen on 127.0.0.1; a partner on the same private network).
"""

import http.client
import ipaddress
import socket
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
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


class UnsafeEndpoint(ValueError):
    """The address cannot receive webhooks: unknown name, or not on the public Internet."""


def address_is_public(address: str) -> bool:
    """Whether an IP address is on the public Internet: not loopback, private, link-local,
    multicast, reserved, unspecified, shared (CGNAT) nor a documentation range."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not (
        ip.is_multicast or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_private
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host` (tests replace it: they never use the DNS)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def endpoint_addresses(url: str) -> tuple[str, int, list[str]]:
    """(host, port, addresses) of a partner's URL, every address checked; raises
    UnsafeEndpoint with a French reason."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in {"http", "https"} or not host:
        raise UnsafeEndpoint(_("adresse invalide : %(url)s") % {"url": url})
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeEndpoint(_("adresse invalide : %(url)s") % {"url": url}) from None
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise UnsafeEndpoint(
            _("le nom %(host)s est introuvable (DNS) : vérifiez l’adresse") % {"host": host}
        ) from None
    if not addresses:
        raise UnsafeEndpoint(
            _("le nom %(host)s est introuvable (DNS) : vérifiez l’adresse") % {"host": host}
        )
    if not settings.PARTNER_ALLOW_PRIVATE_HOSTS:
        for address in addresses:
            if not address_is_public(address):
                raise UnsafeEndpoint(
                    _(
                        "%(host)s mène à une adresse qui n’est pas publique (%(address)s : "
                        "réseau local, privé ou réservé) ; donnez l’adresse publique du partenaire"
                    )
                    % {"host": host, "address": address}
                )
    return host, port, addresses


def _pinned(connection_class: type[http.client.HTTPConnection]) -> type:
    """`connection_class` connecting to the addresses already checked, whatever the DNS says
    now; the Host header and the TLS certificate check keep the partner's name."""

    class Pinned(connection_class):  # type: ignore[valid-type,misc]
        def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float) -> None:
            super().__init__(host, port, timeout=timeout)
            # http.client sets this per instance (socket.create_connection): replaced here.
            self._create_connection = self._connect_checked
            self._addresses = addresses

        def _connect_checked(
            self, address: tuple[str, int], timeout: float, source: object = None
        ) -> socket.socket:
            last: OSError | None = None
            for ip in self._addresses:
                try:
                    return socket.create_connection((ip, address[1]), timeout)
                except OSError as error:
                    last = error
            raise last or OSError("no address")

    return Pinned


_PinnedHTTP = _pinned(http.client.HTTPConnection)
_PinnedHTTPS = _pinned(http.client.HTTPSConnection)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float | None = None) -> Answer:
    """POST `body`; never raises for network or HTTP errors, it says what happened."""
    timeout = timeout or TIMEOUT_SECONDS
    try:
        host, port, addresses = endpoint_addresses(url)
    except UnsafeEndpoint as refused:
        return Answer(status=None, error=_("envoi refusé : %(reason)s") % {"reason": refused})
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(host, port, addresses=addresses, timeout=timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(status=response.status, body=_read(response))
    except TimeoutError:
        return Answer(status=None, error=_("délai de réponse dépassé (%(s)s s)") % {"s": timeout})
    except (OSError, ValueError, http.client.HTTPException) as error:
        return Answer(status=None, error=_("connexion impossible : %(reason)s") % {"reason": error})
    finally:
        connection.close()


def _read(response: IO[bytes]) -> str:
    try:
        return response.read(MAX_ANSWER_BYTES).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
