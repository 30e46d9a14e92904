"""`{% cached key, … %}…{% endcached %}`: a piece of an e-mail rendered once for many messages.

A reminder run sends thousands of e-mails whose legal mentions, payment details and footer are
the same for every debtor of one agency and creditor in one language. Inside `with kept():`
(the reminder job: one a run) a `cached` block's output is kept under the template, the block's
line, the language and the keys the block names, and reused; anywhere else the block renders as
usual. A block must name in its keys everything it shows besides the language and constants,
and nothing of one debtor may go inside one: its text is written in every message that shares
those keys.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.runtime import Context

_KEPT: ContextVar[dict | None] = ContextVar("mail_fragments", default=None)


@contextmanager
def kept() -> Iterator[dict]:
    """Keep the `cached` blocks rendered in this block (and only until it ends)."""
    token = _KEPT.set({})
    try:
        yield _KEPT.get()
    finally:
        _KEPT.reset(token)


class FragmentCache(Extension):
    """The `cached` tag (see the module)."""

    tags = {"cached"}

    def parse(self, parser) -> nodes.Node:
        """`cached` followed by one or more key expressions, then the body up to `endcached`."""
        lineno = next(parser.stream).lineno
        keys = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        keys = nodes.Tuple(keys, "load")
        call = self.call_method("_cached", [where, nodes.ContextReference(), keys])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _cached(where: str, context: Context, keys: tuple, caller) -> str:
        fragments = _KEPT.get()
        if fragments is None:
            return caller()
        key = (where, context.resolve("current_language")(), *keys)
        if key not in fragments:
            fragments[key] = caller()
        return fragments[key]
