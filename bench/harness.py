"""Benchmark plumbing: free ports, gunicorn servers that always die, wrk runs, HTTP helpers.

Every server is started in its own process group and killed (SIGTERM, then SIGKILL) when its
`with` block ends, whatever happens inside. Traffic only ever goes to 127.0.0.1.
"""

import contextlib
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WRK = os.environ.get("WRK", "wrk")
COOKIE_JAR = Path(__file__).with_name("cookie_jar.lua")
ROTATE = Path(__file__).with_name("rotate.lua")


class BenchError(RuntimeError):
    """The benchmark cannot go on (server did not start, login refused, wrong page...)."""


# --- Servers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workers:
    """Gunicorn settings, the same for every app of a run, so ratios compare like with like."""

    count: int = 4
    worker_class: str = "sync"
    threads: int = 1

    def describe(self) -> str:
        if self.worker_class == "gthread":
            return f"{self.count} gthread workers x {self.threads} threads"
        return f"{self.count} {self.worker_class} workers"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


def kill_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End a process started with start_new_session=True, and everything it forked."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # The workers may outlive the arbiter: sweep the group whatever the arbiter did.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


@contextlib.contextmanager
def gunicorn(
    app_spec: str,
    env: dict,
    workers: Workers,
    log_path: Path,
    ready_path: str = "/",
    start_timeout: float = 60.0,
):
    """Serve `app_spec` with gunicorn on a free port of 127.0.0.1; yield the base URL."""
    last_error = None
    for _attempt in range(3):  # another program may grab the port between probe and bind
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers.count),
            "--worker-class",
            workers.worker_class,
            "--threads",
            str(workers.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
            app_spec,
        ]
        log = open(log_path, "ab")  # noqa: SIM115 - closed in the finally below
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://{HOST}:{port}"
            if _wait_ready(proc, port, ready_path, start_timeout):
                yield base
                return
            last_error = f"gunicorn for {app_spec} did not start:\n{_tail(log_path)}"
        finally:
            kill_group(proc)
            log.close()
    raise BenchError(last_error)


def _wait_ready(proc: subprocess.Popen, port: int, path: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if _port_open(port):
            try:
                status, _, _ = request("GET", f"http://{HOST}:{port}{path}")
            except OSError:
                status = None
            if status is not None and status < 500:
                return True
        time.sleep(0.2)
    return False


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- HTTP ------------------------------------------------------------------------------------


def request(
    method: str, url: str, body: dict | None = None, cookie: str | None = None, timeout=15.0
) -> tuple[int, http.client.HTTPMessage, str]:
    """One request to 127.0.0.1 without following redirects: (status, headers, text)."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname != HOST:
        raise BenchError(f"refusing to send traffic outside {HOST}: {url}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            headers["Cookie"] = cookie
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, response.headers, text
    finally:
        conn.close()


def cookie_from(headers: http.client.HTTPMessage, name: str) -> str | None:
    """`name=value` from the Set-Cookie headers of a response, or None."""
    for raw in headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(raw)
        if name in jar:
            return f"{name}={jar[name].value}"
    return None


_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def debtor_login(base: str, reference: str, factor: str, cookie_name: str) -> str:
    """Log a debtor in through the real form and return the session cookie (`name=value`).

    The portal rate-limits failed logins, so this tries exactly once and stops on any surprise.
    """
    status, headers, page = request("GET", base + "/")
    match = _CSRF.search(page)
    cookie = cookie_from(headers, cookie_name)
    if status != 200 or not match or not cookie:
        raise BenchError(f"login page: status {status}, csrf token found: {bool(match)}")
    form = {"csrf_token": match.group(1), "reference": reference, "factor": factor}
    status, headers, page = request("POST", base + "/", body=form, cookie=cookie)
    session = cookie_from(headers, cookie_name)
    if status != 303 or not headers.get("Location", "").endswith("/case") or not session:
        raise BenchError(f"login refused: status {status} (check the generated factor)")
    return session


# --- wrk -------------------------------------------------------------------------------------


@dataclass
class Load:
    """The load wrk applies."""

    connections: int = 64
    threads: int = 2
    duration: int = 10
    warmup: int = 3


@dataclass
class Measure:
    """What one wrk run measured."""

    requests_per_s: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int = 0
    socket_errors: dict = field(default_factory=dict)
    load_average: float = 0.0  # the machine's 1-minute load average when the run ended

    @property
    def tail_ratio(self) -> float:
        return self.p99_ms / self.p50_ms if self.p50_ms else float("inf")

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Measure:
    """Read the figures out of `wrk --latency` output."""
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if not (rps and total and len(percentiles) == 4):
        raise BenchError(f"cannot read wrk output:\n{output}")
    non = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = {}
    if sock:
        socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=False)
        )
    return Measure(
        requests_per_s=float(rps.group(1)),
        p50_ms=_ms(percentiles["50"]),
        p75_ms=_ms(percentiles["75"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        requests=int(total.group(1)),
        non_2xx_3xx=int(non.group(1)) if non else 0,
        socket_errors=socket_errors,
    )


def wrk(
    url: str,
    load: Load,
    cookie: str | None = None,
    duration: int | None = None,
    requests_file: Path | None = None,
) -> Measure:
    """Drive `url` with wrk for a bounded time and return what it measured.

    With `requests_file` (see rotate.lua), wrk sends the file's requests in turn to `url`'s
    server instead of `url` itself.
    """
    if urllib.parse.urlsplit(url).hostname != HOST:
        raise BenchError(f"refusing to load anything but {HOST}: {url}")
    seconds = duration if duration is not None else load.duration
    command = [
        WRK,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    env = None
    if requests_file is not None:
        command += ["-s", str(ROTATE)]
        env = {**os.environ, "WRK_REQUESTS": str(requests_file)}
    elif cookie:  # kept up to date from each response, as a browser keeps it
        command += ["-s", str(COOKIE_JAR)]
        env = {**os.environ, "WRK_COOKIE": cookie}
    command.append(url)
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=seconds + 60)
    finally:
        kill_group(proc, grace=2)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}):\n{output}")
    measured = parse_wrk(output)
    measured.load_average = os.getloadavg()[0]
    return measured


@dataclass
class Target:
    """One URL to load, and what each round measured on it."""

    label: str
    url: str
    cookie: str | None = None
    measures: list[Measure] = field(default_factory=list)
    requests_file: Path | None = None  # many distinct requests instead of `url` (rotate.lua)
    prepare: Callable[[], None] | None = None  # called before each wrk run of this target

    def measure(self, load: Load, duration: int | None = None) -> Measure:
        """Prepare, then run wrk on this target once."""
        if self.prepare is not None:
            self.prepare()
        return wrk(self.url, load, self.cookie, duration, self.requests_file)

    def median(self) -> Measure:
        """The median of every figure over the rounds; request and error counts are summed."""
        ms = self.measures
        errors: dict[str, int] = {}
        for m in ms:
            for key, count in m.socket_errors.items():
                errors[key] = errors.get(key, 0) + count
        return Measure(
            requests_per_s=statistics.median(m.requests_per_s for m in ms),
            p50_ms=statistics.median(m.p50_ms for m in ms),
            p75_ms=statistics.median(m.p75_ms for m in ms),
            p90_ms=statistics.median(m.p90_ms for m in ms),
            p99_ms=statistics.median(m.p99_ms for m in ms),
            requests=sum(m.requests for m in ms),
            non_2xx_3xx=sum(m.non_2xx_3xx for m in ms),
            socket_errors=errors,
            load_average=statistics.median(m.load_average for m in ms),
        )


def interleave(targets: list[Target], load: Load, rounds: int, log=print) -> None:
    """Warm every target up, then measure them in turn, `rounds` times over.

    Taking turns spreads whatever else the machine is doing over every target alike, so the
    ratios between targets hold better than the absolute figures on a shared machine.
    """
    for target in targets:
        if load.warmup:
            target.measure(load, duration=load.warmup)
    for number in range(1, rounds + 1):
        for target in targets:
            m = target.measure(load)
            target.measures.append(m)
            log(
                f"round {number}/{rounds} {target.label}: {m.requests_per_s:.0f} req/s, "
                f"p50 {m.p50_ms:.1f} ms, p99 {m.p99_ms:.1f} ms, errors {m.errors}, "
                f"load average {m.load_average:.1f}"
            )
