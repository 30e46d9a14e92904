"""`make run` stops before printing the logins when one of its ports is taken."""

import os
import socket
import subprocess
import sys
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[2]


def make_run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`make run` in the repository, its prerequisites taken as made, this Python as its own,
    and `false` for flask: should the port check be gone, nothing starts (the run fails)."""
    settled = [f"-o{mo}" for mo in ROOT.glob("translations/*/LC_MESSAGES/messages.mo")]
    command = ["make", "--no-print-directory", "-C", str(ROOT), "-o.venv/.installed", *settled]
    environment = {k: v for k, v in os.environ.items() if k != "STRIPE_SECRET_KEY"} | env
    return subprocess.run(
        [*command, "run", f"PY={sys.executable}", "FLASK=false", *args],
        env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_make_run_takes_its_ports_from_port_and_stripe_double_port():
    plan = make_run("-n", PORT="5123", STRIPE_DOUBLE_PORT="5124").stdout.splitlines()
    assert plan[0].endswith("tools/ports_free.py 5123 5124")  # before anything else
    text = "\n".join(plan)
    assert "run --host 127.0.0.1 --port 5123" in text
    assert "stripe-double --port 5124" in text
    with_stripe = make_run("-n", PORT="5123", STRIPE_SECRET_KEY="sk_test_x").stdout
    # With a real Stripe key there is no double, and only PORT is checked.
    assert with_stripe.splitlines()[0].rstrip().endswith("tools/ports_free.py 5123")


def test_make_run_stops_before_the_logins_when_its_port_is_taken():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free = probe.getsockname()[1]
        answer = make_run(PORT=str(port), STRIPE_DOUBLE_PORT=str(free))
    assert answer.returncode != 0
    assert f"Port {port} is already in use" in answer.stderr
    assert "portal demo" not in answer.stdout and "Password" not in answer.stdout + answer.stderr
