"""The double's memory: Stripe-like objects, events, idempotency keys, and webhook delivery."""

import json
import queue
import secrets
import threading
import time
import urllib.error
import urllib.request

from portal.gateway.double.signing import sign

API_VERSION = "2026-10-28.endive"
# Test numbers, as in Stripe's documentation: the number decides the outcome.
CARD_SUCCESS = {"4242424242424242", "5555555555554444"}
CARD_DECLINE = {"4000000000000002", "4000000000009995"}
CARD_AUTHENTICATE = {"4000002500003155", "4000002760003184"}
CARD_CHARGE_FAILS = {"4000000000000341"}  # saves fine, declined when charged later
IBAN_FAILS = {"DE62370400440532013001", "AT861904300235473202", "FR8420041010050500013M02607"}


def new_id(prefix: str) -> str:
    """A Stripe-looking id: `pi_test_…`."""
    return f"{prefix}_test_{secrets.token_hex(12)}"


def public(obj: dict) -> dict:
    """The object without the double's private fields (those starting with `_`)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


class State:
    """Objects by id, events in order, and a webhook sender thread."""

    def __init__(self, webhook_url: str | None, webhook_secret: str | None, sepa_delay: float):
        self.lock = threading.RLock()
        self.objects: dict[str, dict] = {}
        self.events: list[dict] = []
        self.idempotent: dict[tuple[str, str], tuple[int, bytes]] = {}
        self.faults: list[list] = []  # [path prefix, mode, remaining]
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.sepa_delay = sepa_delay
        self.deliveries: list[tuple[str, int]] = []
        self._outbox: queue.Queue = queue.Queue()
        self._busy = 0
        self._stopping = threading.Event()
        self._sender = threading.Thread(target=self._send_loop, name="double-webhooks", daemon=True)
        self._sender.start()

    # --- objects and events ----------------------------------------------------------------

    def put(self, obj: dict) -> dict:
        """Store (or replace) an object under its id."""
        with self.lock:
            obj.setdefault("created", int(time.time()))
            obj.setdefault("livemode", False)
            self.objects[obj["id"]] = obj
        return obj

    def get(self, object_id: str, kind: str | None = None) -> dict | None:
        """The object with this id (of this `object` kind), or None."""
        obj = self.objects.get(object_id)
        if obj is None or (kind and obj.get("object") != kind):
            return None
        return obj

    def find(self, kind: str, **match) -> list[dict]:
        """Objects of a kind whose fields equal `match`, oldest first."""
        with self.lock:
            return [
                o
                for o in self.objects.values()
                if o.get("object") == kind and all(o.get(k) == v for k, v in match.items())
            ]

    def later(self, delay: float, action) -> None:
        """Run `action` after `delay` seconds (SEPA settling), counted by wait_idle."""
        with self.lock:
            self._busy += 1

        def run():
            try:
                with self.lock:
                    action()
            finally:
                with self.lock:
                    self._busy -= 1

        timer = threading.Timer(delay, run)
        timer.daemon = True
        timer.start()

    def emit(self, event_type: str, obj: dict) -> None:
        """Record an event about `obj` as it is now, and queue its webhook."""
        with self.lock:
            event = {
                "id": new_id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": int(time.time()),
                "type": event_type,
                "data": {"object": json.loads(json.dumps(public(obj)))},
                "livemode": False,
                "pending_webhooks": 1 if self.webhook_url else 0,
                "request": {"id": None, "idempotency_key": None},
            }
            self.events.append(event)
            if self.webhook_url:
                self._busy += 1
                self._outbox.put(event)

    # --- faults and idempotency ------------------------------------------------------------

    def fail_next(self, path_prefix: str, mode: str = "500", times: int = 1) -> None:
        """Answer the next `times` requests under `path_prefix` with a 500 or a timeout."""
        with self.lock:
            self.faults.append([path_prefix, mode, times])

    def take_fault(self, path: str) -> str | None:
        """The fault to apply to this request, if one is armed."""
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault[0]) and fault[2] > 0:
                    fault[2] -= 1
                    return fault[1]
        return None

    # --- webhooks --------------------------------------------------------------------------

    def deliver(self, event: dict) -> int:
        """POST one event to the webhook URL, signed; return the HTTP status (0: no answer)."""
        payload = json.dumps(event).encode()
        request = urllib.request.Request(
            self.webhook_url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(payload, self.webhook_secret or ""),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks) double",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def _send_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                event = self._outbox.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                for attempt in range(4):  # Stripe retries for days; the double, briefly
                    status = self.deliver(event)
                    if 200 <= status < 300 or self._stopping.is_set():
                        break
                    time.sleep(0.2 * (attempt + 1))
                self.deliveries.append((event["id"], status))
            finally:
                with self.lock:
                    self._busy -= 1

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every scheduled event is recorded and every webhook delivered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self._busy == 0:
                    return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Stop the sender thread."""
        self._stopping.set()
        self._sender.join(timeout=2)
