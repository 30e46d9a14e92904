"""Where a webhook may be sent (SSRF checks): an https:// URL whose host is a public address.

Checked twice: when the URL is registered (the text: scheme, no credentials, no local name,
no private, loopback, link-local, reserved or multicast address literal, in any spelling
`socket.inet_aton` accepts, e.g. `2130706433` or `127.1`), and before every post (the name
resolved: every address it resolves to must be public), so a name pointed later at an
internal address is refused then.
"""

import ipaddress
import socket
from urllib.parse import urlparse

LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
MAX_LENGTH = 500


class TargetRefused(ValueError):
    """Not a place webhooks may be sent to; `reason` is a stable key for the message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if set(host) <= set("0123456789abcdefx."):
        try:  # 2130706433, 0x7f.1, 127.1: what the resolver would read as an IPv4 address
            return ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address on the public Internet (not private, loopback, link-local…)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_url(url: str) -> str:
    """The URL (stripped) if webhooks may be registered to it, else TargetRefused."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused("required")
    if len(url) > MAX_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        raise TargetRefused("invalid")
    parsed = urlparse(url)
    if parsed.scheme.lower() != "https":
        raise TargetRefused("not_https")
    try:
        host, _port = parsed.hostname, parsed.port
    except ValueError:
        raise TargetRefused("invalid") from None
    if not host or parsed.username is not None or parsed.password is not None:
        raise TargetRefused("invalid")
    host = host.rstrip(".").lower()
    address = _literal(host)
    if address is not None:
        if not public(address):
            raise TargetRefused("private_address")
    elif host == "localhost" or host.endswith(LOCAL_SUFFIXES) or "." not in host:
        raise TargetRefused("private_address")
    return url


def check_resolved(url: str) -> str:
    """Before a post: every address the URL's host resolves to is public (else TargetRefused);
    returns the first, to connect to that one."""
    parsed = urlparse(url)
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused("unresolved") from None
    addresses = [info[4][0].split("%", 1)[0] for info in infos]
    if not addresses:
        raise TargetRefused("unresolved")
    for address in addresses:
        if not public(ipaddress.ip_address(address)):
            raise TargetRefused("private_address")
    return addresses[0]
