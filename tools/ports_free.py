"""Exit 1 with a clear message when one of the TCP ports given is already taken on 127.0.0.1
(`make run` checks its ports before loading the demo and printing the logins)."""

import socket
import sys


def taken(port: int) -> bool:
    """True when something already listens on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As servers do: a port left in TIME_WAIT is free, one with a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def main(args: list[str]) -> int:
    """Check every port in `args`; print what is taken and how to choose another."""
    busy = [int(a) for a in args if taken(int(a))]
    for port in busy:
        print(
            f"Port {port} is already in use on 127.0.0.1. Stop what uses it, or choose other "
            "ports: make run PORT=5001 STRIPE_DOUBLE_PORT=12112",
            file=sys.stderr,
        )
    return 1 if busy else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
