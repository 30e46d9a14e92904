"""The double's HTTP server: Stripe's API under /v1 (form-encoded in, JSON out) and the hosted
checkout page under /checkout."""

import json
import threading
import time

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from portal.gateway.double import checkout, flows
from portal.gateway.double.params_check import ENDPOINTS, ParamError, check, decode_form
from portal.gateway.double.state import State, new_id, public


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _error(status: int, message: str, kind: str = "invalid_request_error") -> Response:
    return _json({"error": {"type": kind, "message": message}}, status)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # tests and benchmarks: no line per request
        pass


URLS = Map(
    [
        Rule("/v1/customers", methods=["POST"], endpoint="create_customer"),
        Rule("/v1/customers/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/v1/checkout/sessions", methods=["POST"], endpoint="create_session"),
        Rule("/v1/checkout/sessions/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/v1/checkout/sessions/<oid>/expire", methods=["POST"], endpoint="expire_session"),
        Rule("/v1/payment_intents", methods=["POST"], endpoint="create_intent"),
        Rule("/v1/payment_intents/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/v1/setup_intents/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/v1/payment_methods/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/v1/refunds", methods=["POST"], endpoint="create_refund"),
        Rule("/v1/refunds", methods=["GET"], endpoint="list_refunds"),
        Rule("/v1/refunds/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/v1/events", methods=["GET"], endpoint="list_events"),
        Rule("/v1/events/<oid>", methods=["GET"], endpoint="retrieve"),
        Rule("/checkout/<oid>", methods=["GET", "POST"], endpoint="page"),
        Rule("/checkout/<oid>/authenticate", methods=["GET", "POST"], endpoint="authenticate"),
        Rule("/_double/disputes", methods=["POST"], endpoint="open_dispute"),
        Rule("/_double/disputes/<oid>/close", methods=["POST"], endpoint="close_dispute"),
        Rule("/", methods=["GET"], endpoint="home"),
    ]
)


class StripeDouble:
    """The test double as a small threaded HTTP server; `start()` it, use `base_url`."""

    def __init__(
        self,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sepa_delay: float = 3.0,
        timeout_seconds: float = 30.0,
        quiet: bool = True,
    ):
        self.state = State(webhook_url, webhook_secret, sepa_delay)
        self.host, self.port = host, port
        self.timeout_seconds = timeout_seconds  # how long a "timeout" fault hangs
        self._handler = _QuietHandler if quiet else WSGIRequestHandler
        self._server = None
        self._thread: threading.Thread | None = None
        self.refused: list[dict] = []  # the API requests answered 400 for their parameters

    # --- running ---------------------------------------------------------------------------

    def _listen(self) -> None:
        self._server = make_server(
            self.host, self.port, self.wsgi, threaded=True, request_handler=self._handler
        )
        self.port = self._server.server_port

    def start(self) -> "StripeDouble":
        """Serve in a daemon thread; returns self."""
        self._listen()
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="stripe-double", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the `flask portal stripe-double` command)."""
        self._listen()
        try:
            self._server.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving and sending."""
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        if self._server is not None:
            self._server.server_close()
        self.state.stop()

    @property
    def base_url(self) -> str:
        """`http://host:port` of the running double."""
        return f"http://{self.host}:{self.port}"

    # --- test helpers ----------------------------------------------------------------------

    def fail_next(self, path_prefix: str, mode: str = "500", times: int = 1) -> None:
        """Answer the next requests under `path_prefix` with a 500 (`mode="500"`) or hang."""
        self.state.fail_next(path_prefix, mode, times)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait for scheduled events and webhook deliveries to finish."""
        return self.state.wait_idle(timeout)

    def reset(self) -> None:
        """Forget every object, event, idempotency key, fault and refusal (between tests)."""
        self.state.wait_idle(5)
        with self.state.lock:
            self.state.objects.clear()
            self.state.events.clear()
            self.state.idempotent.clear()
            self.state.faults.clear()
            self.state.deliveries.clear()
        self.refused.clear()

    def events(self, event_type: str | None = None) -> list[dict]:
        """Events recorded so far, oldest first."""
        with self.state.lock:
            return [e for e in self.state.events if event_type in (None, e["type"])]

    # --- WSGI ------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        try:
            rule, args = URLS.bind_to_environ(environ).match(return_rule=True)
            response = self._dispatch(request, rule, args)
        except NotFound:
            response = _error(404, f"Unrecognized request URL ({request.method}: {request.path})")
        except HTTPException as exc:
            response = _error(exc.code or 400, exc.description or "bad request")
        return response(environ, start_response)

    def _dispatch(self, request: Request, rule: Rule, args: dict) -> Response:
        endpoint = rule.endpoint
        fault = self.state.take_fault(request.path)
        if fault == "timeout":
            time.sleep(self.timeout_seconds)
            return _error(500, "timed out", "api_error")
        if fault:
            return _error(500, "An unknown error occurred (simulated).", "api_error")
        if endpoint in ("page", "authenticate", "home"):
            return getattr(checkout, endpoint)(self.state, request, **args)
        if request.path.startswith("/v1/") and not request.headers.get("Authorization"):
            return _error(401, "You did not provide an API key.")
        try:  # as at Stripe, a refused request is not kept for its idempotency key
            params = decode_form(request.form.items(multi=True))
            params.update(decode_form(request.args.items(multi=True)))
            if request.path.startswith("/v1/"):
                check(ENDPOINTS[(request.method, rule.rule)], params)
        except ParamError as exc:
            self.refused.append({"method": request.method, "path": request.path, **exc.body()})
            return _json(exc.body(), 400)
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key:
            with self.state.lock:
                replay = self.state.idempotent.get((request.path, key))
                if replay is not None:
                    response = Response(replay[1], status=replay[0], mimetype="application/json")
                    response.headers["Idempotent-Replayed"] = "true"
                    return response
                response = self._handle(request, endpoint, args, params)
                self.state.idempotent[(request.path, key)] = (
                    response.status_code,
                    response.get_data(),
                )
                return response
        with self.state.lock:
            return self._handle(request, endpoint, args, params)

    def _handle(self, request, endpoint, args, params) -> Response:
        state = self.state
        try:
            if endpoint == "retrieve":
                found = state.get(args["oid"])
                if found is None:
                    return _error(404, f"No such object: '{args['oid']}'")
                return _json(public(found))
            handler = getattr(self, "_" + endpoint)
            return handler(params, **args)
        except flows.CardError as exc:
            return _json(exc.body(), 402)
        except (ValueError, KeyError, TypeError) as exc:
            return _error(400, str(exc) or "invalid request")

    def _create_customer(self, params) -> Response:
        customer = {
            "id": new_id("cus"),
            "object": "customer",
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata") or {},
        }
        return _json(public(self.state.put(customer)))

    def _create_session(self, params) -> Response:
        mode = params.get("mode", "payment")
        session_id = new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid" if mode == "payment" else "no_payment_required",
            "url": f"{self.base_url}/checkout/{session_id}",
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "metadata": params.get("metadata") or {},
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "customer_email": params.get("customer_email"),
            "allowed_payment_method_types": params.get("allowed_payment_method_types"),
            # What the page offers: the allowed types, else (here) cards only.
            "payment_method_types": params.get("allowed_payment_method_types") or ["card"],
            "locale": params.get("locale", "auto"),
            "payment_intent": None,
            "setup_intent": None,
            "expires_at": int(time.time()) + 86400,
        }
        if mode == "payment":
            item = params["line_items"][0]
            price = item["price_data"]
            session["amount_total"] = int(price["unit_amount"]) * int(item.get("quantity", 1))
            session["currency"] = price["currency"]
            session["_description"] = price.get("product_data", {}).get("name", "")
            intent_data = params.get("payment_intent_data") or {}
            session["_intent_metadata"] = intent_data.get("metadata") or {}
            session["_setup_future_usage"] = intent_data.get("setup_future_usage")
            if session["amount_total"] <= 0:
                raise ValueError("amount must be positive")
        else:
            session["amount_total"] = None
            session["currency"] = params.get("currency")
            session["_setup_metadata"] = (params.get("setup_intent_data") or {}).get("metadata")
        return _json(public(self.state.put(session)))

    def _expire_session(self, params, oid) -> Response:
        session = self.state.get(oid, "checkout.session")
        if session is None or session["status"] != "open":
            raise ValueError("Only an open session can be expired")
        session["status"] = "expired"
        self.state.emit("checkout.session.expired", session)
        return _json(public(session))

    def _create_intent(self, params) -> Response:
        return _json(public(flows.charge(self.state, params)))

    def _create_refund(self, params) -> Response:
        return _json(public(flows.refund(self.state, params)))

    def _list_refunds(self, params) -> Response:
        refunds = self.state.find("refund", payment_intent=params.get("payment_intent"))
        return _json(self._page("/v1/refunds", list(reversed(refunds)), params))

    def _list_events(self, params) -> Response:
        created = params.get("created") or {}
        since = int(created.get("gte", 0)) if isinstance(created, dict) else int(created)
        wanted = params.get("type")
        events = [
            e
            for e in reversed(self.state.events)
            if e["created"] >= since and wanted in (None, e["type"])
        ]
        return _json(self._page("/v1/events", events, params))

    def _open_dispute(self, params) -> Response:
        return _json(public(flows.dispute(self.state, params["payment_intent"])))

    def _close_dispute(self, params, oid) -> Response:
        return _json(public(flows.close_dispute(self.state, oid, params.get("status", ""))))

    @staticmethod
    def _page(url: str, items: list[dict], params: dict) -> dict:
        """One page of a newest-first list, with `starting_after` and `limit`."""
        after = params.get("starting_after")
        if after:
            ids = [i["id"] for i in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        limit = max(1, min(int(params.get("limit", 10)), 100))
        return {
            "object": "list",
            "url": url,
            "has_more": len(items) > limit,
            "data": [public(i) for i in items[:limit]],
        }
