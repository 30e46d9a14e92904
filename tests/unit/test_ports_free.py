"""`make run` stops before printing the logins when one of its ports is taken."""

import socket

from tools.ports_free import main, taken


def test_a_port_with_a_listener_is_taken_and_the_check_fails(capsys):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert taken(port)
        assert main([str(port)]) == 1
    assert f"Port {port} is already in use" in capsys.readouterr().err


def test_free_ports_pass():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert not taken(port)
    assert main([str(port)]) == 0
