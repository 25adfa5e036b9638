"""Where a webhook may send (SSRF protection): HTTPS only unless LUOSHI_WEBHOOK_ALLOW_HTTP, and
never to an address inside the server's own network — loopback, private, link-local (the cloud
metadata address 169.254.169.254 among them), multicast, reserved or otherwise not public —
unless the host is named in LUOSHI_WEBHOOK_ALLOWED_HOSTS.

The URL is checked when the system administrator saves it, and again at every send, because
DNS can change in between: `resolve` looks the host up, checks every address it gets, and the
caller connects to that checked address (`post`), so a second lookup cannot slip in another."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from luoshi.lib import InvalidInput

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeTarget(InvalidInput):
    """The webhook URL points somewhere Luoshi does not send; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    allow_listed: bool


def parse(url: str) -> Target:
    """Check the URL's form: the scheme, a host, no user name or password."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget(_("The webhook URL is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"} or (scheme == "http" and not settings.LUOSHI_WEBHOOK_ALLOW_HTTP):
        raise UnsafeTarget(_("The webhook URL must start with https:// (plain http:// is allowed only when "
                             "LUOSHI_WEBHOOK_ALLOW_HTTP=True)."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget(_("The webhook URL has no host name."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget(_("The webhook URL must not hold a user name or password before the host."))
    allowed = {name.lower().rstrip(".") for name in settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS}
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path, host in allowed)


def why_forbidden(address: Address) -> str | None:
    """Why Luoshi does not send to this address, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address carried inside IPv6 (mapped, 6to4 2002::/16, Teredo, NAT64
        # 64:ff9b::/96) reaches that IPv4 host: judge the host (issue 16, item 15).
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return why_forbidden(embedded) or (None if embedded.is_global else _("not a public address"))
    if address in METADATA:
        return _("the cloud metadata address")
    if address.is_loopback:
        return _("a loopback address")
    if address.is_link_local:
        return _("a link-local address")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_unspecified:
        return _("an unspecified address")
    if address.is_reserved:
        return _("a reserved address")
    if address.is_private:
        return _("a private network address")
    if not address.is_global:
        return _("not a public address")
    return None


def _lookup(target: Target) -> list[Address]:
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    # Drop an IPv6 zone ("fe80::1%eth0"): the address itself decides.
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos))


def _check(target: Target, addresses: list[Address]) -> None:
    if target.allow_listed:
        return
    for address in addresses:
        reason = why_forbidden(address)
        if reason:
            raise UnsafeTarget(
                _("Luoshi does not send webhooks to %(host)s: it resolves to %(address)s, %(reason)s. "
                  "If this receiver is really meant, add %(host)s to LUOSHI_WEBHOOK_ALLOWED_HOSTS.")
                % {"host": target.host, "address": address, "reason": reason})


def check_on_save(url: str) -> Target:
    """The check when the URL is saved. A name that does not resolve now is accepted: it is
    checked again at every send, which is what keeps messages inside the rules."""
    target = parse(url)
    try:
        addresses = _lookup(target)
    except (socket.gaierror, UnicodeError):
        return target
    _check(target, addresses)
    return target


def resolve(url: str) -> tuple[Target, Address]:
    """The check at send time: the target and the address to connect to, every address the
    name has now having been checked."""
    target = parse(url)
    try:
        addresses = _lookup(target)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeTarget(_("The host %(host)s cannot be found (%(error)s).")
                           % {"host": target.host, "error": error}) from None
    if not addresses:
        raise UnsafeTarget(_("The host %(host)s has no address.") % {"host": target.host})
    _check(target, addresses)
    return target, addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, target: Target, address: Address, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; TLS still verifies the certificate for the host name."""

    def __init__(self, target: Target, address: Address, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST to a checked address; returns the status and the first 4 KiB of the answer.
    Redirects are not followed (a 3xx is the caller's to report): a redirect could point anywhere."""
    target, address = resolve(url)
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(4096)
    finally:
        connection.close()
