"""Read Stripe's form encoding and refuse what Stripe refuses, from the installed SDK's own
declarations: each API route maps to the `stripe.params` TypedDict the SDK sends to it; a key
it does not declare (nested ones included), a value outside a declared `Literal[...]`, a value
of the wrong kind or a missing required key gets Stripe's 400 `invalid_request_error`.

The double reads the SDK's declarations only; the portal still calls Stripe from
`portal/gateway/stripe_gateway.py` alone.
"""

import decimal
import re
import types
import typing
from functools import cache
from typing import Literal, Union, get_args, get_origin

from stripe import StripeObject, params
from stripe import _request_options as request_options
from stripe._stripe_context import StripeContext
from typing_extensions import is_typeddict

# Each API route the double serves (method, URL rule of server.URLS) -> the params class the
# SDK's StripeClient sends to it (the `params:` annotation of the service method).
ENDPOINTS: dict[tuple[str, str], type] = {
    ("POST", "/v1/customers"): params.CustomerCreateParams,
    ("GET", "/v1/customers/<oid>"): params.CustomerRetrieveParams,
    ("POST", "/v1/checkout/sessions"): params.checkout.SessionCreateParams,
    ("GET", "/v1/checkout/sessions/<oid>"): params.checkout.SessionRetrieveParams,
    ("POST", "/v1/checkout/sessions/<oid>/expire"): params.checkout.SessionExpireParams,
    ("POST", "/v1/payment_intents"): params.PaymentIntentCreateParams,
    ("GET", "/v1/payment_intents/<oid>"): params.PaymentIntentRetrieveParams,
    ("GET", "/v1/setup_intents/<oid>"): params.SetupIntentRetrieveParams,
    ("GET", "/v1/payment_methods/<oid>"): params.PaymentMethodRetrieveParams,
    ("POST", "/v1/refunds"): params.RefundCreateParams,
    ("GET", "/v1/refunds"): params.RefundListParams,
    ("GET", "/v1/refunds/<oid>"): params.RefundRetrieveParams,
    ("GET", "/v1/events"): params.EventListParams,
    ("GET", "/v1/events/<oid>"): params.EventRetrieveParams,
}

# A params class inherits the SDK's per-request options (api_key, idempotency_key, …): they
# travel as headers, never as parameters. TypedDict flattens inherited annotations, so their
# forward references are evaluated in the params module: lend them their own module's names.
_OPTIONS = frozenset(request_options.RequestOptions.__annotations__)
_NAMES = {**vars(request_options), "StripeContext": StripeContext}
_KEY = re.compile(r"\[([^\[\]]*)\]")
_KINDS = {int: "integer", bool: "boolean", float: "decimal", decimal.Decimal: "decimal"}


class ParamError(ValueError):
    """A parameter Stripe would refuse: its bracketed name, Stripe's message and error code."""

    def __init__(self, param: str, message: str, code: str | None = None):
        super().__init__(message)
        self.param, self.message, self.code = param, message, code

    def body(self) -> dict:
        """Stripe's JSON error body."""
        error = {"type": "invalid_request_error", "message": self.message, "param": self.param}
        if self.code:
            error["code"] = self.code
        return {"error": error}


def decode_form(pairs) -> dict:
    """Decode Stripe's form encoding (`metadata[a]=1`, `items[0][n]=1`, `expand[]=x`) to dicts
    and lists."""
    root: dict = {}
    for key, value in pairs:
        top = key.split("[", 1)[0]
        parts = [top, *_KEY.findall(key[len(top) :])]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # `a=1&a[b]=2`: Stripe refuses it too
                raise ParamError(top, f"Invalid {top}: a value and an object at once")
        node[parts[-1] or str(len(node))] = value  # `a[]` appends
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_listify(node[k]) for k in sorted(node, key=int)]
    return {k: _listify(v) for k, v in node.items()}


def check(params_class: type, values: dict) -> None:
    """Raise ParamError for the first parameter of `values` (decoded) Stripe would refuse."""
    _check_object(params_class, values, "")


@cache
def fields(params_class: type) -> dict:
    """The parameters a params TypedDict declares, with their evaluated types."""
    hints = typing.get_type_hints(params_class, localns=_NAMES)
    if request_options.RequestOptions in getattr(params_class, "__orig_bases__", ()):
        hints = {k: v for k, v in hints.items() if k not in _OPTIONS}
    return hints


def _check_object(params_class: type, value: dict, name: str) -> None:
    declared = fields(params_class)
    for key, item in value.items():
        param = f"{name}[{key}]" if name else key
        if key not in declared:
            raise ParamError(param, f"Received unknown parameter: {param}", "parameter_unknown")
        _check(declared[key], item, param)
    for key in sorted((params_class.__required_keys__ & declared.keys()) - value.keys()):
        param = f"{name}[{key}]" if name else key
        raise ParamError(param, f"Missing required param: {param}.", "parameter_missing")


def _alternatives(annotation) -> list:
    if get_origin(annotation) in (Union, types.UnionType):
        return [alt for arg in get_args(annotation) for alt in _alternatives(arg)]
    return [annotation]


def _is_map(annotation) -> bool:
    """`Dict[str, str]` (metadata) or the SDK's `UntypedStripeObject[str]`: free keys."""
    origin = get_origin(annotation)
    return origin is dict or (isinstance(origin, type) and issubclass(origin, StripeObject))


def _check(annotation, value, name: str) -> None:
    alternatives = _alternatives(annotation)
    if isinstance(value, dict | list):
        for alt in alternatives:
            if is_typeddict(alt) and isinstance(value, dict):
                return _check_object(alt, value, name)
            if get_origin(alt) is list and isinstance(value, list):
                for index, item in enumerate(value):
                    _check(get_args(alt)[0], item, f"{name}[{index}]")
                return None
            if _is_map(alt):
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for key, item in items:
                    _check(get_args(alt)[-1], item, f"{name}[{key}]")
                return None
        raise ParamError(name, f"Invalid {name}: {_kind(alternatives)} expected")
    return _check_scalar(alternatives, _wire(value), name)


def _check_scalar(alternatives: list, value: str, name: str) -> None:
    listed = [v for alt in alternatives if get_origin(alt) is Literal for v in get_args(alt)]
    if value in [_wire(v) for v in listed]:
        return
    kinds = [alt for alt in alternatives if get_origin(alt) is not Literal]
    enum = [_wire(v) for v in listed if v != ""]
    if enum:  # `Literal[...] | str` keeps old SDKs working with new values; Stripe checks them
        kinds = [kind for kind in kinds if kind is not str]
    if value == "" and any(_is_map(kind) for kind in kinds):
        return  # `metadata=` unsets every key
    if any(_accepts(kind, value) for kind in kinds):
        return
    if enum:
        other = f", or a {_kind(kinds)}" if kinds else ""
        raise ParamError(name, f"Invalid {name}: must be one of {', '.join(enum)}{other}")
    raise ParamError(name, f"Invalid {_kind(kinds)}: {value}")


def _accepts(kind, value: str) -> bool:
    if kind is int:
        return re.fullmatch(r"-?\d+", value) is not None
    if kind is bool:
        return value in ("true", "false")
    if kind in (float, decimal.Decimal):
        try:
            return decimal.Decimal(value).is_finite()
        except decimal.InvalidOperation:
            return False
    if kind is types.NoneType or is_typeddict(kind) or get_origin(kind) is list:
        return False
    return not _is_map(kind)  # str, and anything the SDK leaves open


def _kind(alternatives: list) -> str:
    for alt in alternatives:
        if alt in _KINDS:
            return _KINDS[alt]
        if get_origin(alt) is list:
            return "array"
        if is_typeddict(alt) or _is_map(alt):
            return "object"
    return "string"


def _wire(value) -> str:
    """A value as the SDK sends it: text, booleans as `true`/`false`."""
    return str(value).lower() if isinstance(value, bool) else str(value)
