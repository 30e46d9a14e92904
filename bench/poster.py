"""A lean HTTP/1.1 poster for the webhook bench: kept-alive connections driven by one selector
loop, so the load generator costs little of the CPU it shares with the portal.

Each body is signed when it is sent. A request on a connection the server closed before
answering is sent again on a new connection, as a provider retries a delivery that got no
answer; the portal records each event once, so a second delivery is answered as a duplicate.
"""

import selectors
import socket
import time
from collections import deque
from collections.abc import Callable

RETRIES = 3  # a request whose connection closed this many times is counted as status 0
STALL_SECONDS = 60  # no byte received on any connection for this long: give up


class _Conn:
    """One kept-alive connection and the request it carries."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.sock: socket.socket | None = None
        self.request = b""
        self.tries = 0
        self.received = bytearray()

    def open(self) -> socket.socket:
        sock = socket.create_connection(self.address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        self.sock = sock
        return sock


def _response(data: bytearray) -> tuple[int, int, bool] | None:
    """(status, bytes it takes, server closes after it) once a whole response is in `data`."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(data[:end]).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    length, close = 0, False
    for line in head[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value.strip().lower() == "close"
    size = end + 4 + length
    return (status, size, close) if len(data) >= size else None


def post_all(
    address: tuple[str, int],
    path: str,
    bodies: list[bytes],
    sign: Callable[[bytes], str],
    connections: int,
) -> tuple[float, dict[int, int]]:
    """POST every body (JSON) over `connections` kept-alive connections; (start, statuses)."""
    work = deque(bodies)
    statuses: dict[int, int] = {}
    selector = selectors.DefaultSelector()
    prefix = f"POST {path} HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n".encode()

    def send(conn: _Conn) -> None:
        if conn.sock is None:
            selector.register(conn.open(), selectors.EVENT_READ, conn)
        try:
            conn.sock.sendall(conn.request)  # small: the socket buffer takes it whole
        except OSError:
            retry(conn)

    def start_next(conn: _Conn) -> None:
        if not work:
            close(conn)
            return
        body = work.popleft()
        conn.request = b"".join(
            (prefix, b"Content-Type: application/json\r\nStripe-Signature: ",
             sign(body).encode(), b"\r\nContent-Length: ", str(len(body)).encode(),
             b"\r\n\r\n", body)
        )  # fmt: skip
        conn.tries = 0
        conn.received.clear()
        send(conn)

    def close(conn: _Conn) -> None:
        if conn.sock is not None:
            selector.unregister(conn.sock)
            conn.sock.close()
            conn.sock = None

    def retry(conn: _Conn) -> None:
        # The server closed the connection before answering: the same request, a new connection.
        close(conn)
        conn.received.clear()
        conn.tries += 1
        if conn.tries >= RETRIES:
            statuses[0] = statuses.get(0, 0) + 1
            start_next(conn)
        else:
            send(conn)

    conns = [_Conn(address) for _ in range(connections)]
    started = time.monotonic()
    for conn in conns:
        start_next(conn)
    last_progress = time.monotonic()
    while selector.get_map():
        events = selector.select(timeout=1.0)
        if not events and time.monotonic() - last_progress > STALL_SECONDS:
            for conn in conns:
                if conn.sock is not None:
                    statuses[0] = statuses.get(0, 0) + 1
                    close(conn)
            statuses[0] = statuses.get(0, 0) + len(work)
            break
        for key, _ in events:
            conn = key.data
            try:
                chunk = conn.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:
                retry(conn)
                continue
            last_progress = time.monotonic()
            conn.received += chunk
            done = _response(conn.received)
            if done is None:
                continue
            status, _size, server_closes = done
            statuses[status] = statuses.get(status, 0) + 1
            if server_closes:
                close(conn)
            start_next(conn)
    selector.close()
    return started, statuses
