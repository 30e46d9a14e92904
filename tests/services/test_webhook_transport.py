"""Posting a webhook: to the address that was checked, with no redirect followed."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.services.outgoing_webhooks import targets, transport


def test_the_connection_goes_to_the_address_checked(monkeypatch):
    answers = iter([[("93.184.216.34", 443)], [("127.0.0.1", 443)]])  # a rebinding resolver

    def resolver(*args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", a) for a in next(answers)]

    connected = []

    def connect(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("stop here")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket, "create_connection", connect)
    code, error = transport.post("https://hooks.example.com/x", b"{}", {}, 1)
    assert connected == [("93.184.216.34", 443)]  # resolved once: the second answer unused
    assert code is None and "stop here" in error


@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "::1", "fd00::1"])
def test_a_name_resolving_to_an_internal_address_is_refused(monkeypatch, address):
    def resolver(*args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, 443, 0, 0))]  # fmt: skip

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(targets.TargetRefused):
        targets.check_resolved("https://hooks.example.com/x")
    assert transport.post("https://hooks.example.com/x", b"{}", {}, 1) == (
        None,
        "not sent: private_address",
    )


def test_a_redirect_is_an_answer_not_followed():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook?x=1"
        assert transport.post(url, b"{}", {"Content-Type": "application/json"}, 2) == (302, None)
        assert hits == ["/hook?x=1"]
    finally:
        server.shutdown()
        server.server_close()
