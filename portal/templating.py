"""Pages and e-mails rendered in one language: a Jinja environment per language.

Rendering through Flask's `render_template` looks the locale and the catalogue up again for
every `_()` and every `|money` of a page. Here each language gets an environment of its own,
made like the app's (same loader, options, extensions, filters and globals; the app's own
environment untouched) with gettext bound to that language's catalogue and the formatters bound
to its locale. Lazy strings (labels) still follow the request's (or `force_locale`'s) locale,
which is this language.

Since an environment speaks one language, its templates are translated as they are compiled
(see `Translate`): a `_("…")` of a constant string becomes the translated text itself, so a
page's fixed wording costs nothing per view; `|money` writes what Babel writes without Babel's
cost per amount (see `Money`).
"""

import datetime as dt

from babel import Locale
from babel.numbers import get_currency_precision
from flask import Flask, before_render_template, current_app, template_rendered
from flask_babel import get_translations, to_user_timezone
from flask_babel.speaklater import LazyString
from jinja2 import Environment, nodes, pass_eval_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from portal.i18n import _format_date, _format_money, babel_locale, current_language, iban

_KEY = "amiable.page_environments"


def language_environment(app: Flask, language: str) -> Environment:
    """A new environment for `language`, made like the app's (call under that language:
    a request in it, or `force_locale`)."""
    locale = Locale.parse(babel_locale(language))
    translations = get_translations()
    # A new environment with the app's loader and options, not an overlay: an overlay
    # shares the app's globals and would install these translations for every page.
    env = app.create_jinja_environment()
    env.add_extension("jinja2.ext.i18n")
    for extension in app.jinja_env.extensions:
        env.add_extension(extension)
    env.globals.update(app.jinja_env.globals)
    env.globals.update(_translated_labels(app.jinja_env.globals))
    env.filters.update(app.jinja_env.filters)
    env.install_gettext_translations(translations, newstyle=True)
    # `_()` as one call instead of the extension's three (alias, newstyle wrapper, lookup),
    # with the same result, and the strings without variables formatted once.
    env.globals["_"] = env.globals["gettext"] = _gettext(translations.ugettext)
    env.filters["money"] = Money(locale)
    env.filters["date"] = lambda value, fmt="medium": _date(value, fmt, locale)
    env.filters["iban"] = iban
    env.globals["current_language"] = lambda: language
    env.globals["get_locale"] = lambda: locale
    env.filters[Translate.FILTER] = pass_eval_context(_translated)
    # Templates are compiled for this language (see Translate), and their globals are a
    # plain dict instead of a ChainMap over the environment's forty-odd names, which Jinja
    # copies key by key at every render and walks at every import: these globals are set
    # once, above, so both render the same, for less.
    parse = env._parse
    translate = Translate(translations.ugettext, language)
    env._parse = lambda source, name, filename: translate.visit(parse(source, name, filename))
    env.make_globals = lambda extra=None: {**env.globals, **(extra or {})}
    return env


def _translated_labels(names: dict) -> dict:
    """The label tables (dicts of lazy strings) translated once, for the current language.

    A lazy string is markup to Jinja (its `__html__` is its text), so each label becomes
    Markup of its text: the same output, without a catalogue lookup at every use.
    """
    return {
        name: {key: Markup(str(label)) for key, label in value.items()}
        for name, value in names.items()
        if isinstance(value, dict)
        and value
        and all(isinstance(label, LazyString) for label in value.values())
    }


def render_page(template: str, **context) -> str:
    """Render `template` as Flask's render_template does, in the request's language."""
    app = current_app._get_current_object()
    language = current_language()
    environments = app.extensions.setdefault(_KEY, {})
    env = environments.get(language)
    if env is None:
        env = environments[language] = language_environment(app, language)
    env.loader = app.jinja_env.loader  # tests add a folder to the app's loader
    page = env.get_template(template)
    app.update_template_context(context)
    before_render_template.send(app, _async_wrapper=app.ensure_sync, template=page, context=context)
    html = page.render(context)
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=page, context=context)
    return html


class Translate(NodeTransformer):
    """Translates a template of one language as it is compiled, with the same result as
    rendering it with gettext bound to that language (newstyle: always %-formatted, escaped
    variables when autoescaping):

    - `_("…")` (constant, no variables) becomes the translated text, formatted, marked safe
      where autoescaping (Jinja then writes it out as template data);
    - `_("…", name=value)` becomes the translated text through the `_translated` filter (a direct
      call, where a global function goes through Jinja's context.call);
    - `current_language()` becomes the language.
    """

    FILTER = "_translated"

    def __init__(self, lookup, language: str):
        self.lookup = lookup
        self.language = language

    def visit_Call(self, node: nodes.Call) -> nodes.Node:  # noqa: N802 (NodeTransformer)
        """A call translated as the class says, or left as it is."""
        node = self.generic_visit(node)
        name = node.node.name if isinstance(node.node, nodes.Name) else None
        plain = node.dyn_args is None and node.dyn_kwargs is None
        if name == "current_language" and plain and not node.args and not node.kwargs:
            return nodes.Const(self.language, lineno=node.lineno)
        if name not in ("_", "gettext") or not plain or len(node.args) != 1:
            return node
        string = node.args[0]
        if not isinstance(string, nodes.Const) or not isinstance(string.value, str):
            return node
        translated = nodes.Const(self.lookup(string.value), lineno=node.lineno)
        if node.kwargs:
            return nodes.Filter(translated, self.FILTER, [], node.kwargs, None, None)
        translated.value %= {}
        return nodes.MarkSafeIfAutoescape(translated, lineno=node.lineno)


def _translated(eval_ctx, translated: str, **variables) -> str:
    return _format(translated, eval_ctx.autoescape, variables)


def _gettext(lookup):
    translated: dict[str, str] = {}
    constant: dict[tuple[str, bool], str] = {}  # `_("…")` without variables, as rendered

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        if not variables:
            key = (string, eval_ctx.autoescape)
            if key not in constant:
                constant[key] = _format(lookup(string), eval_ctx.autoescape, {})
            return constant[key]
        if string not in translated:
            translated[string] = lookup(string)
        return _format(translated[string], eval_ctx.autoescape, variables)

    return gettext


def _format(translated: str, autoescape: bool, variables: dict) -> str:
    # As Jinja's newstyle gettext: always %-formatted, variables escaped when autoescaping.
    # Markup's own % wraps every value in a helper object; escaping the values first gives the
    # same text (numbers are left as they are, for %d) for less.
    if autoescape:
        escaped = {k: v if type(v) in _NUMBERS else escape(v) for k, v in variables.items()}
        return Markup(translated % escaped)
    return translated % variables


_NUMBERS = (int, float)


class Money:
    """The `money` filter for one locale: Babel's output, without Babel's cost per amount.

    For each currency the layout (signs, symbol, separators, decimals) is read off Babel's own
    formatting of a sample, then checked against Babel on a range of amounts; a currency or
    locale whose layout this cannot reproduce is formatted by Babel every time.
    """

    CHECKED = (0, 1, 9, 10, 99, 100, 999, 1000, 12_345, 123_456, 99_999_999, 1_000_000_000)

    def __init__(self, locale: Locale):
        self.locale = locale
        self.layouts: dict[str, tuple | None] = {}

    def __call__(self, amount: int | None, currency: str = "EUR") -> str:
        if amount is None:
            return ""
        if currency not in self.layouts:
            self.layouts[currency] = self._layout(currency)
        layout = self.layouts[currency]
        if layout is None:
            return _format_money(amount, currency, self.locale)
        return self._format(layout, amount)

    def _layout(self, currency: str) -> tuple | None:
        digits = get_currency_precision(currency)
        unit = 10**digits
        try:
            layouts = [
                self._read(
                    _format_money(
                        sign * 1_234_567 * unit + sign * (unit // 3), currency, self.locale
                    ),
                    digits,
                )
                for sign in (1, -1)
            ]
        except ValueError:
            return None
        layout = (digits, *layouts)
        checked = [sign * n for n in self.CHECKED for sign in (1, -1)]
        if any(self._format(layout, n) != _format_money(n, currency, self.locale) for n in checked):
            return None
        return layout

    @staticmethod
    def _read(sample: str, digits: int) -> tuple[str, str, str, str]:
        # "1 234 567,33 €" -> prefix "", group " ", decimal ",", suffix " €" (33: unit // 3)
        start = sample.index("1")
        group = sample[start + 1 : sample.index("234", start)]
        after = sample.index("567", start) + 3
        fraction = "3" * digits
        decimal = sample[after : sample.index(fraction, after)] if digits else ""
        end = after + len(decimal) + len(fraction)
        if not group or (digits and not decimal) or any(c.isdigit() for c in sample[end:]):
            raise ValueError(sample)
        return sample[:start], group, decimal, sample[end:]

    @staticmethod
    def _format(layout: tuple, amount: int) -> str:
        digits, positive, negative = layout
        prefix, group, decimal, suffix = negative if amount < 0 else positive
        units, cents = divmod(abs(amount), 10**digits)
        text = f"{units:,}".replace(",", group)
        if digits:
            text = f"{text}{decimal}{cents:0{digits}d}"
        return f"{prefix}{text}{suffix}"


def _date(value, fmt: str, locale: Locale) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_user_timezone(value).date()  # the day in Paris, as letters date a moment
    return _format_date(value, fmt, locale)
