"""The double's hosted checkout page: pay by test card or test IBAN, or save a method."""

from html import escape

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portal.gateway.double import flows
from portal.gateway.double.state import State

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f6f9fc;color:#1a1f36}
main{max-width:26rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:8px;padding:1rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input{width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;border:1px solid #c1c9d2;
border-radius:6px}
button{width:100%;font-size:1rem;padding:.75rem;margin-top:.75rem;border:0;border-radius:6px;
background:#635bff;color:#fff;font-weight:600}
.amount{font-size:2rem;font-weight:700;margin:.25rem 0}
.error{color:#b3093c;font-weight:600}
.small{font-size:.85rem;color:#697386}
code{font-size:.85rem}
"""

HELP = (
    "Test cards: <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is "
    "declined, <code>4000 0025 0000 3155</code> asks for authentication. Test IBANs: "
    "<code>FR14 2004 1010 0505 0001 3M02 606</code> succeeds after a short wait, "
    "<code>FR84 2004 1010 0505 0001 3M02 607</code> fails after it."
)


def _html(title: str, body: str, status: int = 200) -> Response:
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main><p class='small'>Stripe test double — no real money moves.</p>{body}"
        "</main></body></html>"
    )
    return Response(page, status=status, mimetype="text/html")


def _money(minor: int | None, currency: str | None) -> str:
    if minor is None:
        return ""
    return f"{minor / 100:,.2f} {(currency or '').upper()}"


def _form(session: dict, error: str = "") -> str:
    sid = escape(session["id"])
    methods = session["payment_method_types"]
    parts = []
    if error:
        parts.append(f"<p class='error' role='alert'>{escape(error)}</p>")
    if "card" in methods:
        parts.append(
            f"<form class='card' method='post' action='/checkout/{sid}'>"
            "<input type='hidden' name='method' value='card'>"
            "<label for='card'>Card number</label>"
            "<input id='card' name='number' inputmode='numeric' autocomplete='off' "
            "placeholder='4242 4242 4242 4242'>"
            "<button type='submit'>Pay by card</button></form>"
        )
    if "sepa_debit" in methods:
        parts.append(
            f"<form class='card' method='post' action='/checkout/{sid}'>"
            "<input type='hidden' name='method' value='sepa_debit'>"
            "<label for='iban'>IBAN (SEPA Direct Debit)</label>"
            "<input id='iban' name='number' autocomplete='off' "
            "placeholder='FR14 2004 1010 0505 0001 3M02 606'>"
            "<button type='submit'>Pay by SEPA Direct Debit</button></form>"
        )
    return "".join(parts)


def home(state: State, request: Request) -> Response:
    """A one-line page saying what this server is."""
    return _html("Stripe test double", "<h1>Stripe test double</h1><p>API under /v1.</p>")


def page(state: State, request: Request, oid: str) -> Response:
    """GET: the checkout page; POST: pay (or save a method) with the number typed."""
    with state.lock:
        session = state.get(oid, "checkout.session")
        if session is None:
            return _html("Not found", "<h1>This checkout page does not exist.</h1>", 404)
        if session["status"] != "open":
            return _html("Closed", "<h1>This checkout page is no longer open.</h1>", 410)
        error, status = "", 200
        if request.method == "POST":
            kind = request.form.get("method", "card")
            number = flows.clean_number(request.form.get("number", ""))
            if kind not in session["payment_method_types"] or not number:
                error, status = "Enter a test card number or IBAN.", 400
            else:
                try:
                    if session["mode"] == "setup":
                        flows.setup_session(state, session, kind, number)
                        outcome = "saved"
                    else:
                        outcome = flows.pay_session(state, session, kind, number)
                except flows.CardError as exc:
                    error, status = exc.message, 402
                else:
                    if outcome == "authenticate":
                        return redirect(f"/checkout/{oid}/authenticate", 303)
                    return redirect(_success_url(session), 303)
        verb = "Save a payment method" if session["mode"] == "setup" else "Pay"
        body = (
            f"<h1>{verb}</h1><div class='card'>"
            f"<p class='amount'>{_money(session.get('amount_total'), session.get('currency'))}</p>"
            f"<p>{escape(session.get('_description') or '')}</p></div>"
            f"{_form(session, error)}<p class='small'>{HELP}</p>"
        )
        if session.get("cancel_url"):
            body += f"<p><a href='{escape(session['cancel_url'])}'>Cancel and go back</a></p>"
        return _html(verb, body, status)


def authenticate(state: State, request: Request, oid: str) -> Response:
    """The bank's authentication step (3-D Secure), with Complete and Fail buttons."""
    with state.lock:
        session = state.get(oid, "checkout.session")
        if session is None or session["status"] != "open" or not session.get("_pending_number"):
            return _html("Not found", "<h1>Nothing to authenticate.</h1>", 404)
        if request.method == "POST":
            number = session.pop("_pending_number")
            if request.form.get("outcome") == "complete":
                flows.pay_session(state, session, "card", number, authenticated=True)
                return redirect(_success_url(session), 303)
            intent = flows.intent_for(state, session)
            flows.fail(state, intent, "authentication_failed", "Authentication failed.")
            return _html("Pay", _form(session, "Authentication failed."), 402)
        body = (
            "<h1>Authenticate this payment</h1><div class='card'>"
            "<p>Your bank asks you to confirm this payment (3-D Secure test page).</p>"
            f"<form method='post' action='/checkout/{escape(oid)}/authenticate'>"
            "<button name='outcome' value='complete'>Complete authentication</button>"
            "<button name='outcome' value='fail'>Fail authentication</button></form></div>"
        )
        return _html("Authenticate", body)


def _success_url(session: dict) -> str:
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
