"""The double's parameter check: Stripe's form encoding read against the installed SDK's own
declarations, refused with Stripe's error shape."""

import inspect
import re

import pytest
import stripe
from stripe.params import EventListParams, PaymentIntentCreateParams, RefundListParams
from stripe.params.checkout import SessionCreateParams

from portal.gateway.double.params_check import ENDPOINTS, ParamError, check, decode_form
from portal.gateway.double.server import URLS

PAYMENT_SESSION = [
    ("success_url", "http://portal.test/pay/payments/1"),
    ("cancel_url", "http://portal.test/pay"),
    ("mode", "payment"),
    ("locale", "en-GB"),
    ("allowed_payment_method_types[0]", "card"),
    ("allowed_payment_method_types[1]", "sepa_debit"),
    ("line_items[0][quantity]", "1"),
    ("line_items[0][price_data][currency]", "eur"),
    ("line_items[0][price_data][unit_amount]", "12345"),
    ("line_items[0][price_data][product_data][name]", "Creditor — REF-1"),
    ("payment_intent_data[metadata][payment_id]", "1"),
    ("payment_intent_data[setup_future_usage]", "off_session"),
    ("metadata[payment_id]", "1"),
    ("customer_email", "debtor@example.org"),
]


def refusal(params_class, pairs) -> dict:
    """The error body the double answers `pairs` with (form-encoded as the SDK sends them)."""
    with pytest.raises(ParamError) as caught:
        check(params_class, decode_form(pairs))
    return caught.value.body()["error"]


def test_a_checkout_session_as_the_gateway_sends_it_is_accepted():
    check(SessionCreateParams, decode_form(PAYMENT_SESSION))


def test_a_setup_session_and_list_calls_are_accepted():
    setup = [
        ("mode", "setup"),
        ("currency", "eur"),
        ("customer", "cus_1"),
        ("success_url", "http://portal.test/pay/method?done=1"),
        ("setup_intent_data[metadata][case_id]", "7"),
    ]
    check(SessionCreateParams, decode_form(setup))
    check(EventListParams, decode_form([("created[gte]", "1700000000"), ("limit", "100")]))
    check(EventListParams, decode_form([("created", "1700000000")]))  # `int | {gte, …}`
    check(RefundListParams, decode_form([("payment_intent", "pi_1"), ("limit", "100")]))


def test_an_unknown_parameter_is_refused_with_stripes_error_shape():
    error = refusal(SessionCreateParams, [*PAYMENT_SESSION, ("payment_method_types[0]", "card")])
    assert error == {
        "type": "invalid_request_error",
        "message": "Received unknown parameter: payment_method_types",
        "param": "payment_method_types",
        "code": "parameter_unknown",
    }


def test_an_unknown_nested_parameter_is_named_by_its_full_path():
    pairs = [*PAYMENT_SESSION, ("line_items[0][price_data][product_data][colour]", "red")]
    error = refusal(SessionCreateParams, pairs)
    assert error["param"] == "line_items[0][price_data][product_data][colour]"
    assert error["message"] == f"Received unknown parameter: {error['param']}"


def test_request_options_are_not_parameters():
    error = refusal(RefundListParams, [("idempotency_key", "k1")])
    assert error["param"] == "idempotency_key"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("locale", "en_GB"),
        ("mode", "subscribe"),
        ("allowed_payment_method_types[1]", "sepa"),
        ("payment_intent_data[setup_future_usage]", "later"),
    ],
)
def test_a_value_outside_the_declared_literal_is_refused(key, value):
    pairs = [(k, value if k == key else v) for k, v in PAYMENT_SESSION]
    error = refusal(SessionCreateParams, pairs)
    assert error["type"] == "invalid_request_error" and error["param"] == key
    assert error["message"].startswith(f"Invalid {key}: must be one of ")


def test_the_locale_list_is_the_sdks_own():
    error = refusal(SessionCreateParams, [("locale", "en_GB")])
    assert ", en, en-GB, " in error["message"] and ", fr, " in error["message"]


def test_metadata_takes_any_key_but_only_text_values():
    pairs = [("metadata[anything_at_all]", "1"), ("metadata[another]", "")]
    check(SessionCreateParams, decode_form(pairs))
    check(SessionCreateParams, decode_form([("metadata", "")]))  # unsets every key
    error = refusal(SessionCreateParams, [("metadata[a][b]", "1")])
    assert error["param"] == "metadata[a]"


def test_list_items_are_checked_at_their_index():
    pairs = [*PAYMENT_SESSION, ("line_items[1][quantity]", "2"), ("line_items[1][price]", "p")]
    check(SessionCreateParams, decode_form(pairs))
    error = refusal(SessionCreateParams, [*PAYMENT_SESSION, ("line_items[1][qty]", "2")])
    assert error["param"] == "line_items[1][qty]"
    error = refusal(SessionCreateParams, [("line_items[0]", "x")])
    assert error["param"] == "line_items[0]" and error["message"] == "Invalid object: x"


def test_expand_with_empty_brackets_or_indexes():
    assert decode_form([("expand[]", "a"), ("expand[]", "b")]) == {"expand": ["a", "b"]}
    check(EventListParams, decode_form([("expand[]", "data.object"), ("limit", "3")]))
    check(EventListParams, decode_form([("expand[0]", "data.object")]))


def test_scalars_are_checked_by_their_declared_kind():
    base = [("amount", "500"), ("currency", "eur"), ("confirm", "true")]
    check(PaymentIntentCreateParams, decode_form([*base, ("off_session", "true")]))
    check(PaymentIntentCreateParams, decode_form([*base, ("off_session", "recurring")]))
    assert refusal(PaymentIntentCreateParams, [*base, ("off_session", "yes")])["param"] == (
        "off_session"
    )
    error = refusal(PaymentIntentCreateParams, [("amount", "5.00"), ("currency", "eur")])
    assert error["param"] == "amount" and error["message"] == "Invalid integer: 5.00"


def test_a_missing_required_parameter_is_refused():
    error = refusal(PaymentIntentCreateParams, [("amount", "500")])
    assert error["param"] == "currency" and error["code"] == "parameter_missing"
    nested = [("line_items[0][price_data][unit_amount]", "1"), ("line_items[0][quantity]", "1")]
    assert refusal(SessionCreateParams, nested)["param"] == "line_items[0][price_data][currency]"


def test_every_api_route_of_the_double_has_the_sdks_params_class():
    routes = {
        (method, rule.rule)
        for rule in URLS.iter_rules()
        if rule.rule.startswith("/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(ENDPOINTS)
    assert all(cls.__module__.startswith("stripe.params.") for cls in ENDPOINTS.values())


def test_each_route_maps_to_the_params_class_the_sdks_own_service_sends_it():
    """Read from the SDK: the verb, URL and `params:` annotation of each StripeClient method."""
    v1 = stripe.StripeClient("sk_test_unused").v1
    sdk_methods = [
        v1.customers.create,
        v1.customers.retrieve,
        v1.checkout.sessions.create,
        v1.checkout.sessions.retrieve,
        v1.checkout.sessions.expire,
        v1.payment_intents.create,
        v1.payment_intents.retrieve,
        v1.setup_intents.retrieve,
        v1.payment_methods.retrieve,
        v1.refunds.create,
        v1.refunds.list,
        v1.refunds.retrieve,
        v1.events.list,
        v1.events.retrieve,
    ]
    sent = {}
    for method in sdk_methods:
        request = r'self\._request\(\s*"(\w+)",\s*"([^"]+)"'
        verb, url = re.search(request, inspect.getsource(method)).groups()
        annotation = str(inspect.signature(method).parameters["params"].annotation)
        route = (verb.upper(), re.sub(r"\{\w+\}", "<oid>", url))
        sent[route] = re.search(r"\w+Params", annotation).group()
    assert sent == {route: cls.__name__ for route, cls in ENDPOINTS.items()}
