"""Posting one webhook: to the address checked, never to another.

An https:// URL's name is resolved once, every address checked (`targets.check_resolved`), and
the connection made to that address (the certificate still checked against the name): a name
that resolves elsewhere a moment later (DNS rebinding) cannot move the post to an internal
address. Redirects are not followed (a 3xx is an answer like any other non-2xx, retried). The
http:// URLs exist only for tests' local receivers (registered with `allow_http`).
"""

import http.client
import socket
import ssl
from urllib.parse import urlsplit

from portal.services.outgoing_webhooks.targets import TargetRefused, check_resolved


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `address`, with SNI and certificate checks for the URL's host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int | None, str | None]:
    """(status code, None) when the server answered, (None, why) when it could not be asked."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        if parts.scheme == "https":
            address = check_resolved(url)
            connection = _PinnedHTTPSConnection(parts.hostname, address, parts.port or 443, timeout)
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port or 80,
                                                    timeout=timeout)  # fmt: skip
    except TargetRefused as exc:
        return None, f"not sent: {exc.reason}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status, None
    except (OSError, http.client.HTTPException) as exc:
        return None, (str(exc) or type(exc).__name__)[:200]
    finally:
        connection.close()
